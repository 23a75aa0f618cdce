# Mensajes del framework (español).
claim-missing = Falta información ({ $claim }). Revise los datos introducidos e inténtelo de nuevo.
claim-invalid = El valor introducido para { $claim } no es válido. Revíselo e inténtelo de nuevo.
claim-resolver-unresolved = No hemos podido leer su solicitud ({ $claim }). Inténtelo de nuevo más tarde.
request-invalid = No hemos podido leer su solicitud. Inténtelo de nuevo.
content-type-unsupported = No hemos podido leer su solicitud. Inténtelo de nuevo.
payload-too-large = Su solicitud es demasiado grande. Acorte los datos introducidos e inténtelo de nuevo.
request-body-timeout = No pudimos leer su solicitud a tiempo. Inténtelo de nuevo.
internal-error = Se ha producido un error por nuestra parte. Inténtelo de nuevo más tarde.
deadline-exceeded = Esto está tardando más de lo previsto. Inténtelo de nuevo.
unauthorized = Esta solicitud no está autorizada.
forbidden = Esta solicitud no está permitida.
validation-email = Introduzca una dirección de correo electrónico válida para { $claim }.
validation-url = Introduzca una dirección web válida para { $claim }.
validation-length = { $kind ->
    [min] { $claim } debe tener al menos { $min ->
        [one] { $min } carácter
       *[other] { $min } caracteres
    }.
    [max] { $claim } debe tener como máximo { $max ->
        [one] { $max } carácter
       *[other] { $max } caracteres
    }.
    [exact] { $claim } debe tener exactamente { $min ->
        [one] { $min } carácter
       *[other] { $min } caracteres
    }.
   *[between] { $claim } debe tener entre { $min } y { $max } caracteres.
}
validation-range = { $kind ->
    [min] { $claim } debe ser como mínimo { $min }.
    [max] { $claim } debe ser como máximo { $max }.
    [exact] { $claim } debe ser { $min }.
   *[between] { $claim } debe estar entre { $min } y { $max }.
}
validation-regex = El valor introducido para { $claim } no tiene el formato esperado.
validation-contains = El valor introducido para { $claim } no es válido.
validation-custom = El valor introducido para { $claim } no es válido.

## Textos que muestra B2C cuando no puede contactar con el servicio (exportados a la directiva).
b2c-request-failed = No hemos podido completar su solicitud. Inténtelo de nuevo más tarde.
b2c-request-timeout = El servicio está tardando demasiado en responder. Inténtelo de nuevo más tarde.
b2c-dns-failed = El servicio no está disponible en este momento. Inténtelo de nuevo más tarde.
b2c-circuit-open = El servicio no está disponible temporalmente. Inténtelo de nuevo en unos minutos.
