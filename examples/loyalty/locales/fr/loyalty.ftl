email-not-registered = Nous ne trouvons aucun client avec l'adresse e-mail { $email }. Veuillez utiliser l'adresse indiquée lors de votre adhésion.
member-not-found = Aucune carte de fidélité n'est associée à { $email }.
member-id-unknown = Le numéro de membre { $memberId } n'existe pas.
claim-email-display-name = adresse e-mail
claim-givenName-display-name = prénom
claim-memberId-display-name = numéro de membre
