# Mensagens do framework (português do Brasil).
claim-missing = Faltam informações ({ $claim }). Verifique os dados informados e tente novamente.
claim-invalid = O valor informado para { $claim } não é válido. Verifique-o e tente novamente.
claim-resolver-unresolved = Não foi possível ler sua solicitação ({ $claim }). Tente novamente mais tarde.
request-invalid = Não foi possível ler sua solicitação. Tente novamente.
content-type-unsupported = Não foi possível ler sua solicitação. Tente novamente.
payload-too-large = Sua solicitação é grande demais. Encurte os dados informados e tente novamente.
request-body-timeout = Não foi possível ler sua solicitação a tempo. Tente novamente.
internal-error = Ocorreu um erro do nosso lado. Tente novamente mais tarde.
deadline-exceeded = Isso está demorando mais do que o esperado. Tente novamente.
unauthorized = Esta solicitação não está autorizada.
forbidden = Esta solicitação não é permitida.
validation-email = Informe um endereço de e-mail válido para { $claim }.
validation-url = Informe um endereço da web válido para { $claim }.
validation-length = { $kind ->
    [min] { $claim } deve ter pelo menos { $min ->
        [one] { $min } caractere
       *[other] { $min } caracteres
    }.
    [max] { $claim } deve ter no máximo { $max ->
        [one] { $max } caractere
       *[other] { $max } caracteres
    }.
    [exact] { $claim } deve ter exatamente { $min ->
        [one] { $min } caractere
       *[other] { $min } caracteres
    }.
   *[between] { $claim } deve ter entre { $min } e { $max } caracteres.
}
validation-range = { $kind ->
    [min] { $claim } deve ser no mínimo { $min }.
    [max] { $claim } deve ser no máximo { $max }.
    [exact] { $claim } deve ser { $min }.
   *[between] { $claim } deve estar entre { $min } e { $max }.
}
validation-regex = O valor informado para { $claim } não está no formato esperado.
validation-contains = O valor informado para { $claim } não é válido.
validation-custom = O valor informado para { $claim } não é válido.

## Textos que o B2C mostra quando não consegue acessar o serviço (exportados para a política).
b2c-request-failed = Não foi possível concluir sua solicitação. Tente novamente mais tarde.
b2c-request-timeout = O serviço está demorando demais para responder. Tente novamente mais tarde.
b2c-dns-failed = O serviço está indisponível no momento. Tente novamente mais tarde.
b2c-circuit-open = O serviço está temporariamente indisponível. Tente novamente em alguns minutos.
