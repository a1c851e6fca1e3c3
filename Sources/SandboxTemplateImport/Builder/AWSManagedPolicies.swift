/// The AWS managed policies templates attach most often on this stack, as documents the sandbox evaluates
/// (their statements as AWS publishes them, reduced to the actions the sandbox serves).
enum AWSManagedPolicies {
    static func document(_ arn: String) -> String? {
        guard let name = arn.split(separator: "/").last else { return nil }
        return self.documents[String(name)]
    }

    /// SAM accepts these by name in a function's `Policies`.
    static func arn(_ name: String) -> String? {
        self.documents[name] == nil ? nil : "arn:aws:iam::aws:policy/" + (self.servicePath[name] ?? "") + name
    }

    private static let servicePath = [
        "AWSLambdaBasicExecutionRole": "service-role/", "AWSLambdaVPCAccessExecutionRole": "service-role/",
    ]

    private static let documents: [String: String] = [
        "AWSLambdaBasicExecutionRole":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","#
            + #""logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
        "AWSLambdaVPCAccessExecutionRole":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","#
            + #""logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","#
            + #""ec2:DescribeNetworkInterfaces","ec2:DeleteNetworkInterface","#
            + #""ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}"#,
        "SecretsManagerReadWrite":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:*","kms:Decrypt","#
            + #""kms:DescribeKey","rds:DescribeDBInstances","rds:DescribeDBClusters"],"Resource":"*"}]}"#,
        "AmazonRDSReadOnlyAccess":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["rds:Describe*","#
            + #""rds:ListTagsForResource"],"Resource":"*"}]}"#,
        "AmazonRDSFullAccess":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["rds:*"],"Resource":"*"}]}"#,
        "AWSLambda_ReadOnlyAccess":
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:Get*","lambda:List*"],"#
            + #""Resource":"*"}]}"#,
    ]
}
