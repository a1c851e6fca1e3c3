/// Every error code the fake services answer, spelled as AWS spells it, with the HTTP status AWS answers it with:
/// the one catalogue of codes. A service whose status for a shared code differs (Secrets Manager answers
/// `ResourceNotFoundException` with 400, Lambda with 404) passes its own where it raises it; messages in each
/// service's words are its `…Errors.swift` constructors (`AWSError.noSuchRole(_:)`).
public enum AWSErrorCode: String, Sendable, CaseIterable, CustomStringConvertible {
    case accessDenied = "AccessDenied"
    case accessDeniedException = "AccessDeniedException"
    case alreadyExistsException = "AlreadyExistsException"
    case dbClusterNotFoundFault = "DBClusterNotFoundFault"
    case dbInstanceNotFound = "DBInstanceNotFound"
    case dbProxyAlreadyExistsFault = "DBProxyAlreadyExistsFault"
    case dbProxyEndpointAlreadyExistsFault = "DBProxyEndpointAlreadyExistsFault"
    case dbProxyEndpointNotFoundFault = "DBProxyEndpointNotFoundFault"
    case dbProxyEndpointQuotaExceededFault = "DBProxyEndpointQuotaExceededFault"
    case dbProxyNotFoundFault = "DBProxyNotFoundFault"
    case dbProxyQuotaExceededFault = "DBProxyQuotaExceededFault"
    case dbProxyTargetAlreadyRegisteredFault = "DBProxyTargetAlreadyRegisteredFault"
    case dbProxyTargetGroupNotFoundFault = "DBProxyTargetGroupNotFoundFault"
    case dbProxyTargetNotFoundFault = "DBProxyTargetNotFoundFault"
    case decryptionFailure = "DecryptionFailure"
    case deleteConflict = "DeleteConflict"
    case disabledException = "DisabledException"
    case encryptionFailure = "EncryptionFailure"
    case entityAlreadyExists = "EntityAlreadyExists"
    case expiredToken = "ExpiredToken"
    case expiredTokenException = "ExpiredTokenException"
    case incompleteSignatureException = "IncompleteSignatureException"
    case incorrectKeyException = "IncorrectKeyException"
    case internalFailure = "InternalFailure"
    case invalidAction = "InvalidAction"
    case invalidCiphertextException = "InvalidCiphertextException"
    case invalidClientTokenId = "InvalidClientTokenId"
    case invalidDBClusterStateFault = "InvalidDBClusterStateFault"
    case invalidDBInstanceState = "InvalidDBInstanceState"
    case invalidDBProxyEndpointStateFault = "InvalidDBProxyEndpointStateFault"
    case invalidParameterCombination = "InvalidParameterCombination"
    case invalidParameterException = "InvalidParameterException"
    case invalidParameterValue = "InvalidParameterValue"
    case invalidParameterValueException = "InvalidParameterValueException"
    case invalidRequestContentException = "InvalidRequestContentException"
    case invalidRequestException = "InvalidRequestException"
    case invalidSignatureException = "InvalidSignatureException"
    case kmsInternalException = "KMSInternalException"
    case malformedPolicyDocument = "MalformedPolicyDocument"
    case malformedPolicyDocumentException = "MalformedPolicyDocumentException"
    case missingAuthenticationTokenException = "MissingAuthenticationTokenException"
    case missingParameter = "MissingParameter"
    case noSuchEntity = "NoSuchEntity"
    case notFoundException = "NotFoundException"
    case requestEntityTooLarge = "RequestEntityTooLarge"
    case requestTooLargeException = "RequestTooLargeException"
    case resourceConflictException = "ResourceConflictException"
    case resourceExistsException = "ResourceExistsException"
    case resourceNotFoundException = "ResourceNotFoundException"
    case serializationException = "SerializationException"
    case serviceException = "ServiceException"
    case signatureDoesNotMatch = "SignatureDoesNotMatch"
    case tooManyRequestsException = "TooManyRequestsException"
    case unknownOperationException = "UnknownOperationException"
    case unknownParameter = "UnknownParameter"
    case unrecognizedClientException = "UnrecognizedClientException"
    case validationError = "ValidationError"
    case validationException = "ValidationException"

    /// The status AWS answers this code with when a service does not say otherwise.
    public var status: Int {
        switch self {
        case .invalidClientTokenId: 403
        case .dbClusterNotFoundFault, .dbInstanceNotFound, .dbProxyEndpointNotFoundFault, .dbProxyNotFoundFault,
            .dbProxyTargetGroupNotFoundFault, .dbProxyTargetNotFoundFault, .noSuchEntity, .notFoundException,
            .resourceNotFoundException:
            404
        case .deleteConflict, .entityAlreadyExists, .resourceConflictException: 409
        case .requestEntityTooLarge, .requestTooLargeException: 413
        case .tooManyRequestsException: 429
        case .internalFailure, .kmsInternalException, .serviceException: 500
        default: 400
        }
    }

    public var description: String { self.rawValue }
}
