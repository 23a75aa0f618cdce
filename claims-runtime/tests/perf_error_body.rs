//! `ErrorBody::to_json` writes exactly what `serde_json` writes for the body.

use claims_runtime::ErrorBody;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 \"\\\\/\u{0}-\u{1f}\u{7f}é日-]{0,24}"
}

proptest! {
    #[test]
    fn to_json_is_serde_json(
        version in text(),
        status in any::<u16>(),
        user_message in text(),
        code in proptest::option::of(text()),
        request_id in proptest::option::of(text()),
        developer_message in proptest::option::of(text()),
        more_info in proptest::option::of(text()),
    ) {
        let body = ErrorBody { version, status, user_message, code, request_id, developer_message, more_info };
        prop_assert_eq!(
            String::from_utf8(body.to_json()).unwrap(),
            serde_json::to_string(&body).unwrap()
        );
    }
}
