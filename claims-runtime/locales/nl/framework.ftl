# Meldingen van het framework (Nederlands).
claim-missing = Er ontbreken gegevens ({ $claim }). Controleer uw invoer en probeer het opnieuw.
claim-invalid = De waarde die u voor { $claim } hebt ingevoerd, is ongeldig. Controleer deze en probeer het opnieuw.
claim-resolver-unresolved = We konden uw aanvraag niet lezen ({ $claim }). Probeer het later opnieuw.
request-invalid = We konden uw aanvraag niet lezen. Probeer het opnieuw.
content-type-unsupported = We konden uw aanvraag niet lezen. Probeer het opnieuw.
payload-too-large = Uw aanvraag is te groot. Maak uw invoer korter en probeer het opnieuw.
request-body-timeout = Uw aanvraag kon niet op tijd worden gelezen. Probeer het opnieuw.
internal-error = Er is bij ons iets misgegaan. Probeer het later opnieuw.
deadline-exceeded = Dit duurt langer dan verwacht. Probeer het opnieuw.
unauthorized = Deze aanvraag is niet geautoriseerd.
forbidden = Deze aanvraag is niet toegestaan.
validation-email = Voer een geldig e-mailadres in voor { $claim }.
validation-url = Voer een geldig webadres in voor { $claim }.
validation-length = { $kind ->
    [min] { $claim } moet minstens { $min ->
        [one] { $min } teken
       *[other] { $min } tekens
    } lang zijn.
    [max] { $claim } mag maximaal { $max ->
        [one] { $max } teken
       *[other] { $max } tekens
    } lang zijn.
    [exact] { $claim } moet precies { $min ->
        [one] { $min } teken
       *[other] { $min } tekens
    } lang zijn.
   *[between] { $claim } moet tussen { $min } en { $max } tekens lang zijn.
}
validation-range = { $kind ->
    [min] { $claim } moet minstens { $min } zijn.
    [max] { $claim } mag maximaal { $max } zijn.
    [exact] { $claim } moet { $min } zijn.
   *[between] { $claim } moet tussen { $min } en { $max } liggen.
}
validation-regex = De waarde die u voor { $claim } hebt ingevoerd, heeft niet de verwachte indeling.
validation-contains = De waarde die u voor { $claim } hebt ingevoerd, is ongeldig.
validation-custom = De waarde die u voor { $claim } hebt ingevoerd, is ongeldig.

## Teksten die B2C toont als de service niet bereikbaar is (geëxporteerd naar het beleid).
b2c-request-failed = We konden uw aanvraag niet voltooien. Probeer het later opnieuw.
b2c-request-timeout = De service reageert te traag. Probeer het later opnieuw.
b2c-dns-failed = De service is momenteel niet beschikbaar. Probeer het later opnieuw.
b2c-circuit-open = De service is tijdelijk niet beschikbaar. Probeer het over enkele minuten opnieuw.
