legacy-password-wrong = The password is incorrect. Please try again, or reset your password.
legacy-already-migrated = This account was already moved to another sign-in.
legacy-user-unknown = We could not find your account.
claim-signInName-display-name = email address
claim-password-display-name = password
