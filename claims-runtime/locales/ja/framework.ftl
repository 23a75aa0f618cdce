# フレームワークのメッセージ (日本語)。
claim-missing = 必要な情報が入力されていません ({ $claim })。入力内容を確認して、もう一度お試しください。
claim-invalid = { $claim } に入力された値が正しくありません。確認して、もう一度お試しください。
claim-resolver-unresolved = 要求を読み取れませんでした ({ $claim })。しばらくしてから、もう一度お試しください。
request-invalid = 要求を読み取れませんでした。もう一度お試しください。
content-type-unsupported = 要求を読み取れませんでした。もう一度お試しください。
payload-too-large = 要求が大きすぎます。入力内容を短くして、もう一度お試しください。
request-body-timeout = 要求を時間内に読み取れませんでした。もう一度お試しください。
internal-error = システムでエラーが発生しました。しばらくしてから、もう一度お試しください。
deadline-exceeded = 処理に時間がかかっています。もう一度お試しください。
unauthorized = この要求は承認されていません。
forbidden = この要求は許可されていません。
validation-email = { $claim } に有効なメール アドレスを入力してください。
validation-url = { $claim } に有効な Web アドレスを入力してください。
validation-length = { $kind ->
    [min] { $claim } は { $min } 文字以上で入力してください。
    [max] { $claim } は { $max } 文字以内で入力してください。
    [exact] { $claim } は { $min } 文字で入力してください。
   *[between] { $claim } は { $min } ～ { $max } 文字で入力してください。
}
validation-range = { $kind ->
    [min] { $claim } には { $min } 以上の値を入力してください。
    [max] { $claim } には { $max } 以下の値を入力してください。
    [exact] { $claim } には { $min } を入力してください。
   *[between] { $claim } には { $min } ～ { $max } の値を入力してください。
}
validation-regex = { $claim } に入力された値の形式が正しくありません。
validation-contains = { $claim } に入力された値が正しくありません。
validation-custom = { $claim } に入力された値が正しくありません。

## サービスに接続できないときに B2C が表示するテキスト (ポリシーにエクスポートされます)。
b2c-request-failed = 要求を完了できませんでした。しばらくしてから、もう一度お試しください。
b2c-request-timeout = サービスの応答に時間がかかっています。しばらくしてから、もう一度お試しください。
b2c-dns-failed = 現在、サービスを利用できません。しばらくしてから、もう一度お試しください。
b2c-circuit-open = サービスは一時的に利用できません。数分後にもう一度お試しください。
