legacy-password-wrong = Le mot de passe est incorrect. Veuillez réessayer ou réinitialiser votre mot de passe.
legacy-already-migrated = Ce compte a déjà été transféré vers une autre connexion.
legacy-user-unknown = Nous ne trouvons pas votre compte.
claim-signInName-display-name = adresse e-mail
claim-password-display-name = mot de passe
