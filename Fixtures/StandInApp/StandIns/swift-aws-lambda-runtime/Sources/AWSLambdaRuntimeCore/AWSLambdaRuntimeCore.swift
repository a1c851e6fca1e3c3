/// Stands in for swift-aws-lambda-runtime's `AWSLambdaRuntimeCore` module.
public enum AWSLambdaRuntimeCoreStandIn {}
