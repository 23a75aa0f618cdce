# Messages du framework (français).
claim-missing = Des informations sont manquantes ({ $claim }). Veuillez vérifier votre saisie et réessayer.
claim-invalid = La valeur saisie pour { $claim } n’est pas valide. Veuillez la vérifier et réessayer.
claim-resolver-unresolved = Nous n’avons pas pu lire votre demande ({ $claim }). Veuillez réessayer plus tard.
request-invalid = Nous n’avons pas pu lire votre demande. Veuillez réessayer.
content-type-unsupported = Nous n’avons pas pu lire votre demande. Veuillez réessayer.
payload-too-large = Votre demande est trop volumineuse. Veuillez raccourcir votre saisie et réessayer.
request-body-timeout = Votre demande n’a pas pu être lue à temps. Veuillez réessayer.
internal-error = Une erreur s’est produite de notre côté. Veuillez réessayer plus tard.
deadline-exceeded = L’opération prend plus de temps que prévu. Veuillez réessayer.
unauthorized = Cette demande n’est pas autorisée.
forbidden = Cette demande n’est pas permise.
validation-email = Veuillez saisir une adresse e-mail valide pour { $claim }.
validation-url = Veuillez saisir une adresse web valide pour { $claim }.
validation-length = { $kind ->
    [min] { $claim } doit contenir au moins { $min ->
        [one] { $min } caractère
       *[other] { $min } caractères
    }.
    [max] { $claim } doit contenir au plus { $max ->
        [one] { $max } caractère
       *[other] { $max } caractères
    }.
    [exact] { $claim } doit contenir exactement { $min ->
        [one] { $min } caractère
       *[other] { $min } caractères
    }.
   *[between] { $claim } doit contenir entre { $min } et { $max } caractères.
}
validation-range = { $kind ->
    [min] La valeur de { $claim } doit être au moins égale à { $min }.
    [max] La valeur de { $claim } doit être au plus égale à { $max }.
    [exact] La valeur de { $claim } doit être égale à { $min }.
   *[between] La valeur de { $claim } doit être comprise entre { $min } et { $max }.
}
validation-regex = La valeur saisie pour { $claim } n’a pas le format attendu.
validation-contains = La valeur saisie pour { $claim } n’est pas valide.
validation-custom = La valeur saisie pour { $claim } n’est pas valide.

## Textes affichés par B2C quand le service est injoignable (exportés dans la stratégie).
b2c-request-failed = Nous n’avons pas pu traiter votre demande. Veuillez réessayer plus tard.
b2c-request-timeout = Le service met trop de temps à répondre. Veuillez réessayer plus tard.
b2c-dns-failed = Le service est actuellement indisponible. Veuillez réessayer plus tard.
b2c-circuit-open = Le service est temporairement indisponible. Veuillez réessayer dans quelques minutes.
