import Foundation

/// RDS's errors that more than one operation answers, with their code, HTTP status and message in RDS's words.
extension AWSError {
    static func dbInstanceNotFound(_ id: String) -> AWSError {
        AWSError(.dbInstanceNotFound, "DBInstance \(id) not found.")
    }

    static func dbClusterNotFound(_ id: String) -> AWSError {
        AWSError(.dbClusterNotFoundFault, "DBCluster \(id) not found.")
    }

    static func dbProxyNotFound(_ name: String) -> AWSError {
        AWSError(.dbProxyNotFoundFault, "DBProxy \(name) not found.")
    }

    static func dbProxyAlreadyExists(_ name: String) -> AWSError {
        AWSError(
            .dbProxyAlreadyExistsFault,
            "Cannot create the DBProxy because a DBProxy with the name \(name) already exists."
        )
    }

    static func dbProxyEndpointNotFound(_ name: String) -> AWSError {
        AWSError(.dbProxyEndpointNotFoundFault, "DBProxyEndpoint \(name) not found.")
    }

    static func dbProxyEndpointAlreadyExists(_ name: String) -> AWSError {
        AWSError(
            .dbProxyEndpointAlreadyExistsFault,
            "A DBProxyEndpoint with the name \(name) already exists; endpoint names are unique in the account and "
                + "region."
        )
    }

    static func dbProxyTargetAlreadyRegistered(_ why: String) -> AWSError {
        AWSError(.dbProxyTargetAlreadyRegisteredFault, why)
    }

    static func dbProxyTargetNotFound(_ what: String, proxy: String) -> AWSError {
        AWSError(.dbProxyTargetNotFoundFault, "\(what) is not a target of proxy \(proxy).")
    }
}
