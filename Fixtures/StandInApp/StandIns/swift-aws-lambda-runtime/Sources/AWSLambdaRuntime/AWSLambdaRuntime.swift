/// Stands in for swift-aws-lambda-runtime's `AWSLambdaRuntime` module.
public enum AWSLambdaRuntimeStandIn {}
