# Messaggi del framework (italiano).
claim-missing = Mancano alcune informazioni ({ $claim }). Verificare i dati inseriti e riprovare.
claim-invalid = Il valore inserito per { $claim } non è valido. Verificarlo e riprovare.
claim-resolver-unresolved = Impossibile leggere la richiesta ({ $claim }). Riprovare più tardi.
request-invalid = Impossibile leggere la richiesta. Riprovare.
content-type-unsupported = Impossibile leggere la richiesta. Riprovare.
payload-too-large = La richiesta è troppo grande. Abbreviare i dati inseriti e riprovare.
request-body-timeout = Non è stato possibile leggere la richiesta in tempo. Riprovare.
internal-error = Si è verificato un errore da parte nostra. Riprovare più tardi.
deadline-exceeded = L’operazione richiede più tempo del previsto. Riprovare.
unauthorized = Questa richiesta non è autorizzata.
forbidden = Questa richiesta non è consentita.
validation-email = Inserire un indirizzo e-mail valido per { $claim }.
validation-url = Inserire un indirizzo web valido per { $claim }.
validation-length = { $kind ->
    [min] { $claim } deve contenere almeno { $min ->
        [one] { $min } carattere
       *[other] { $min } caratteri
    }.
    [max] { $claim } deve contenere al massimo { $max ->
        [one] { $max } carattere
       *[other] { $max } caratteri
    }.
    [exact] { $claim } deve contenere esattamente { $min ->
        [one] { $min } carattere
       *[other] { $min } caratteri
    }.
   *[between] { $claim } deve contenere tra { $min } e { $max } caratteri.
}
validation-range = { $kind ->
    [min] Il valore di { $claim } deve essere almeno { $min }.
    [max] Il valore di { $claim } deve essere al massimo { $max }.
    [exact] Il valore di { $claim } deve essere { $min }.
   *[between] Il valore di { $claim } deve essere compreso tra { $min } e { $max }.
}
validation-regex = Il valore inserito per { $claim } non è nel formato previsto.
validation-contains = Il valore inserito per { $claim } non è valido.
validation-custom = Il valore inserito per { $claim } non è valido.

## Testi mostrati da B2C quando il servizio non è raggiungibile (esportati nei criteri).
b2c-request-failed = Impossibile completare la richiesta. Riprovare più tardi.
b2c-request-timeout = Il servizio impiega troppo tempo a rispondere. Riprovare più tardi.
b2c-dns-failed = Il servizio non è al momento disponibile. Riprovare più tardi.
b2c-circuit-open = Il servizio è temporaneamente non disponibile. Riprovare tra qualche minuto.
