import Crypto

/// PostgreSQL's MD5 password exchange: the client answers `md5` + hex(MD5(hex(MD5(password + user)) + salt)).
public enum MD5Password {
    public static func response(user: String, password: String, salt: [UInt8]) -> String {
        "md5"
            + self.hex(
                Insecure.MD5.hash(
                    data: Array(self.hex(Insecure.MD5.hash(data: Array((password + user).utf8))).utf8) + salt
                )
            )
    }

    private static func hex(_ digest: Insecure.MD5Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
