email-not-registered = We could not find a customer with the e-mail address { $email }. Please use the address you gave us when you joined.
member-not-found = No loyalty membership is linked to { $email }.
member-id-unknown = The member number { $memberId } does not exist.
claim-email-display-name = email address
claim-givenName-display-name = given name
claim-memberId-display-name = member number
