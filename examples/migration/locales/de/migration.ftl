legacy-password-wrong = Das Kennwort ist falsch. Bitte versuchen Sie es erneut oder setzen Sie Ihr Kennwort zurück.
legacy-already-migrated = Dieses Konto wurde bereits zu einer anderen Anmeldung übertragen.
legacy-user-unknown = Wir finden Ihr Konto nicht.
claim-signInName-display-name = E-Mail-Adresse
claim-password-display-name = Kennwort
