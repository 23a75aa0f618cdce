# Meldungen des Frameworks (Deutsch).
claim-missing = Es fehlen Angaben ({ $claim }). Bitte überprüfen Sie Ihre Eingaben und versuchen Sie es erneut.
claim-invalid = Der für { $claim } eingegebene Wert ist ungültig. Bitte überprüfen Sie ihn und versuchen Sie es erneut.
claim-resolver-unresolved = Ihre Anfrage konnte nicht gelesen werden ({ $claim }). Bitte versuchen Sie es später erneut.
request-invalid = Ihre Anfrage konnte nicht gelesen werden. Bitte versuchen Sie es erneut.
content-type-unsupported = Ihre Anfrage konnte nicht gelesen werden. Bitte versuchen Sie es erneut.
payload-too-large = Ihre Anfrage ist zu groß. Bitte kürzen Sie Ihre Eingaben und versuchen Sie es erneut.
request-body-timeout = Ihre Anfrage konnte nicht rechtzeitig gelesen werden. Bitte versuchen Sie es erneut.
internal-error = Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.
deadline-exceeded = Der Vorgang dauert länger als erwartet. Bitte versuchen Sie es erneut.
unauthorized = Diese Anfrage ist nicht autorisiert.
forbidden = Diese Anfrage ist nicht zulässig.
validation-email = Bitte geben Sie für { $claim } eine gültige E-Mail-Adresse ein.
validation-url = Bitte geben Sie für { $claim } eine gültige Webadresse ein.
validation-length = { $kind ->
    [min] { $claim } muss mindestens { $min } Zeichen lang sein.
    [max] { $claim } darf höchstens { $max } Zeichen lang sein.
    [exact] { $claim } muss genau { $min } Zeichen lang sein.
   *[between] { $claim } muss zwischen { $min } und { $max } Zeichen lang sein.
}
validation-range = { $kind ->
    [min] { $claim } muss mindestens { $min } sein.
    [max] { $claim } darf höchstens { $max } sein.
    [exact] { $claim } muss { $min } sein.
   *[between] { $claim } muss zwischen { $min } und { $max } liegen.
}
validation-regex = Der für { $claim } eingegebene Wert hat nicht das erwartete Format.
validation-contains = Der für { $claim } eingegebene Wert ist ungültig.
validation-custom = Der für { $claim } eingegebene Wert ist ungültig.

## Texte, die B2C anzeigt, wenn der Dienst nicht erreichbar ist (in die Richtlinie exportiert).
b2c-request-failed = Ihre Anfrage konnte nicht bearbeitet werden. Bitte versuchen Sie es später erneut.
b2c-request-timeout = Der Dienst antwortet nicht rechtzeitig. Bitte versuchen Sie es später erneut.
b2c-dns-failed = Der Dienst ist derzeit nicht erreichbar. Bitte versuchen Sie es später erneut.
b2c-circuit-open = Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Minuten erneut.
