# Messages the framework itself renders. Every catalog's default language must define them.
# Arguments: $claim (the claim's display name or id); $kind, $min, $max for length and range.
claim-missing = Some information is missing ({ $claim }). Please check your entries and try again.
claim-invalid = The value entered for { $claim } is not valid. Please check it and try again.
claim-resolver-unresolved = We could not read your request ({ $claim }). Please try again later.
request-invalid = We could not read your request. Please try again.
content-type-unsupported = We could not read your request. Please try again.
payload-too-large = Your request is too large. Please shorten your entries and try again.
request-body-timeout = We could not read your request in time. Please try again.
internal-error = Something went wrong on our side. Please try again later.
deadline-exceeded = This is taking longer than expected. Please try again.
unauthorized = This request is not authorized.
forbidden = This request is not allowed.
validation-email = Please enter a valid e-mail address for { $claim }.
validation-url = Please enter a valid web address for { $claim }.
validation-length = { $kind ->
    [min] { $claim } must be at least { $min ->
        [one] { $min } character
       *[other] { $min } characters
    } long.
    [max] { $claim } must be at most { $max ->
        [one] { $max } character
       *[other] { $max } characters
    } long.
    [exact] { $claim } must be exactly { $min ->
        [one] { $min } character
       *[other] { $min } characters
    } long.
   *[between] { $claim } must be between { $min } and { $max } characters long.
}
validation-range = { $kind ->
    [min] { $claim } must be at least { $min }.
    [max] { $claim } must be at most { $max }.
    [exact] { $claim } must be { $min }.
   *[between] { $claim } must be between { $min } and { $max }.
}
validation-regex = The value entered for { $claim } is not in the expected format.
validation-contains = The value entered for { $claim } is not valid.
validation-custom = The value entered for { $claim } is not valid.

## Texts B2C itself shows when it cannot reach the service (exported into the policy).
b2c-request-failed = We could not complete your request. Please try again later.
b2c-request-timeout = The service is taking too long to respond. Please try again later.
b2c-dns-failed = The service is currently unavailable. Please try again later.
b2c-circuit-open = The service is temporarily unavailable. Please try again in a few minutes.
