email-not-registered = Não encontramos nenhum cliente com o e-mail { $email }. Use o endereço informado no seu cadastro.
member-not-found = Nenhum cartão fidelidade está vinculado a { $email }.
member-id-unknown = O número de membro { $memberId } não existe.
claim-email-display-name = endereço de e-mail
claim-givenName-display-name = nome
claim-memberId-display-name = número de membro
