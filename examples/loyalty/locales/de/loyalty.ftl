email-not-registered = Wir finden keinen Kunden mit der E-Mail-Adresse { $email }. Bitte verwenden Sie die Adresse, die Sie bei Ihrer Anmeldung angegeben haben.
member-not-found = Mit { $email } ist keine Kundenkarte verknüpft.
member-id-unknown = Die Mitgliedsnummer { $memberId } existiert nicht.
claim-email-display-name = E-Mail-Adresse
claim-givenName-display-name = Vorname
claim-memberId-display-name = Mitgliedsnummer
