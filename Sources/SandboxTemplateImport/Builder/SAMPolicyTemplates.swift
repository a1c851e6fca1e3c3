/// SAM's policy templates this stack's functions use, expanded as SAM expands them.
enum SAMPolicyTemplates {
    static func document(_ name: String, _ parameters: TemplateValue, region: String, account: String) -> String? {
        let parameter = { (key: String) in parameters[key]?.string ?? "" }
        let statement: String
        switch name {
        case "AWSSecretsManagerGetSecretValuePolicy":
            statement =
                #"{"Effect":"Allow","Action":["secretsmanager:GetSecretValue"],"#
                + #""Resource":"\#(parameter("SecretArn"))"}"#
        case "KMSDecryptPolicy":
            statement =
                #"{"Effect":"Allow","Action":"kms:Decrypt","#
                + #""Resource":"arn:aws:kms:\#(region):\#(account):key/\#(parameter("KeyId"))"}"#
        case "LambdaInvokePolicy":
            statement =
                #"{"Effect":"Allow","Action":["lambda:InvokeFunction"],"#
                + #""Resource":"arn:aws:lambda:\#(region):\#(account):function:\#(parameter("FunctionName"))*"}"#
        case "SSMParameterReadPolicy":
            statement =
                #"{"Effect":"Allow","Action":["ssm:DescribeParameters","ssm:GetParameters","ssm:GetParameter","#
                + #""ssm:GetParametersByPath"],"#
                + #""Resource":"arn:aws:ssm:\#(region):\#(account):parameter/\#(parameter("ParameterName"))"}"#
        case "VPCAccessPolicy":
            statement =
                #"{"Effect":"Allow","Action":["ec2:CreateNetworkInterface","ec2:DeleteNetworkInterface","#
                + #""ec2:DescribeNetworkInterfaces"],"Resource":"*"}"#
        default:
            return nil
        }
        return #"{"Version":"2012-10-17","Statement":[\#(statement)]}"#
    }
}
