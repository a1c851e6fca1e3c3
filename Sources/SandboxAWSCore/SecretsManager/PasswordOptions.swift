import Foundation
import SandboxJSON

/// GetRandomPassword's options, also GenerateSecretString's (with a JSON template and the key to fill in).
public struct PasswordOptions: Sendable, Codable, Equatable {
    public var passwordLength: Int?
    public var excludeCharacters: String?
    public var excludeNumbers: Bool?
    public var excludePunctuation: Bool?
    public var excludeUppercase: Bool?
    public var excludeLowercase: Bool?
    public var includeSpace: Bool?
    public var requireEachIncludedType: Bool?
    /// GenerateSecretString: a JSON object the password is added to, under `generateStringKey`.
    public var secretStringTemplate: String?
    public var generateStringKey: String?

    enum CodingKeys: String, CodingKey {
        case passwordLength = "PasswordLength"
        case excludeCharacters = "ExcludeCharacters"
        case excludeNumbers = "ExcludeNumbers"
        case excludePunctuation = "ExcludePunctuation"
        case excludeUppercase = "ExcludeUppercase"
        case excludeLowercase = "ExcludeLowercase"
        case includeSpace = "IncludeSpace"
        case requireEachIncludedType = "RequireEachIncludedType"
        case secretStringTemplate = "SecretStringTemplate"
        case generateStringKey = "GenerateStringKey"
    }

    public init(passwordLength: Int? = nil, excludeCharacters: String? = nil, excludePunctuation: Bool? = nil) {
        self.passwordLength = passwordLength
        self.excludeCharacters = excludeCharacters
        self.excludePunctuation = excludePunctuation
    }

    /// A password as Secrets Manager makes one (32 characters from every class by default, one of each class).
    public func password() throws(AWSError) -> String {
        let length = self.passwordLength ?? 32
        guard (4...4096).contains(length) else { throw Self.invalid("PasswordLength must be between 4 and 4096.") }
        let excluded = Set(self.excludeCharacters ?? "")
        var classes: [[Character]] = []
        if self.excludeLowercase != true { classes.append(Array("abcdefghijklmnopqrstuvwxyz")) }
        if self.excludeUppercase != true { classes.append(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) }
        if self.excludeNumbers != true { classes.append(Array("0123456789")) }
        if self.excludePunctuation != true { classes.append(Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")) }
        if self.includeSpace == true { classes.append([" "]) }
        classes = classes.map { $0.filter { !excluded.contains($0) } }.filter { !$0.isEmpty }
        guard !classes.isEmpty else { throw Self.invalid("Every character class is excluded; allow at least one.") }
        var password = self.requireEachIncludedType == false ? [] : classes.map { $0.randomElement()! }
        let all = classes.flatMap { $0 }
        while password.count < length { password.append(all.randomElement()!) }
        return String(password.prefix(length).shuffled())
    }

    /// The secret string: the password alone, or the template with the password under `generateStringKey`.
    public func secretString() throws(AWSError) -> String {
        let password = try self.password()
        guard let template = self.secretStringTemplate else { return password }
        guard let key = self.generateStringKey, !key.isEmpty,
            var object = (try? JSONValue(parsing: Array(template.utf8)))?.objectValue
        else {
            throw Self.invalid(
                "SecretStringTemplate must be a JSON object and GenerateStringKey must name the key to add."
            )
        }
        object[key] = .string(password)
        return JSONValue.object(object).text
    }

    private static func invalid(_ message: String) -> AWSError { AWSError(.invalidParameterException, message) }
}
