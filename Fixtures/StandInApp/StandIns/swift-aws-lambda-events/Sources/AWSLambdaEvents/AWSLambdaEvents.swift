/// Stands in for swift-aws-lambda-events's `AWSLambdaEvents` module.
public enum AWSLambdaEventsStandIn {}
