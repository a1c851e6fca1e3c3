import Foundation

/// RDS's errors that more than one operation answers, with their code, HTTP status and message in RDS's words.
extension AWSError {
    static func dbInstanceNotFound(_ id: String) -> AWSError {
        AWSError(code: "DBInstanceNotFound", message: "DBInstance \(id) not found.", status: 404)
    }

    static func dbClusterNotFound(_ id: String) -> AWSError {
        AWSError(code: "DBClusterNotFoundFault", message: "DBCluster \(id) not found.", status: 404)
    }

    static func dbProxyNotFound(_ name: String) -> AWSError {
        AWSError(code: "DBProxyNotFoundFault", message: "DBProxy \(name) not found.", status: 404)
    }

    static func dbProxyAlreadyExists(_ name: String) -> AWSError {
        AWSError(code: "DBProxyAlreadyExistsFault", message: "Cannot create the DBProxy because a DBProxy with the name \(name) already exists.")
    }

    static func dbProxyEndpointNotFound(_ name: String) -> AWSError {
        AWSError(code: "DBProxyEndpointNotFoundFault", message: "DBProxyEndpoint \(name) not found.", status: 404)
    }

    static func dbProxyEndpointAlreadyExists(_ name: String) -> AWSError {
        AWSError(code: "DBProxyEndpointAlreadyExistsFault", message: "A DBProxyEndpoint with the name \(name) already exists; endpoint names are unique in the account and region.")
    }

    static func dbProxyTargetAlreadyRegistered(_ why: String) -> AWSError {
        AWSError(code: "DBProxyTargetAlreadyRegisteredFault", message: why)
    }

    static func dbProxyTargetNotFound(_ what: String, proxy: String) -> AWSError {
        AWSError(code: "DBProxyTargetNotFoundFault", message: "\(what) is not a target of proxy \(proxy).", status: 404)
    }
}
