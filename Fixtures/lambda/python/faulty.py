"""Handlers that go wrong the ways customers' code does, for the Lambda bad-input tests."""
import os
import time


def raises(event, context):
    raise ValueError("the order id is missing")


def exits(event, context):
    os._exit(3)


def chatty(event, context):
    print("\x00\xff garbage \u2603 " * 50)
    return {"ok": True, "requestId": context.aws_request_id, "remaining": context.get_remaining_time_in_millis() > 0,
            "function": os.environ["AWS_LAMBDA_FUNCTION_NAME"], "keyPrefix": os.environ["AWS_ACCESS_KEY_ID"][:4]}


def exits_later(event, context):
    import threading
    threading.Timer(0.2, os._exit, [0]).start()
    return "answered, then gone"


def hangs(event, context):
    time.sleep(60)


def oversized(event, context):
    return "x" * (7 * 1024 * 1024)
