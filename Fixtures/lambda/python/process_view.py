"""What a function's process sees of how it was started: its blocked signals, the addresses the proxy's DNS name
resolves to, and whether a child it spawns shares its network view (the proxy's DNS name resolves, the connection leaves from the function's ENI and reaches the proxy).
With {"lookup": NAME} it answers only what libc's resolver finds for NAME. With {"odd_descriptors": N} it first races N connects against another thread that puts a UDP socket in the connecting
socket's descriptor, as buggy or clever code can."""
import os
import socket
import subprocess
import sys
import threading

CHILD = """
import os, socket
connection = socket.create_connection((os.environ["DB_HOST"], int(os.environ.get("DB_PORT", "3306"))), timeout=5)
greeting = connection.recv(5, socket.MSG_WAITALL)
print(connection.getsockname()[0], greeting[4] if len(greeting) == 5 else -1)
"""


def blocked_signals():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("SigBlk:"):
                return int(line.split()[1], 16)
    return -1


def odd_descriptors(rounds):
    address = socket.getaddrinfo(os.environ["DB_HOST"], int(os.environ.get("DB_PORT", "3306")), socket.AF_INET, socket.SOCK_STREAM)[0][4]
    outcomes = {}
    for _ in range(max(0, min(rounds, 300))):
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.settimeout(1)

        def swap(number=connection.fileno()):
            datagram = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            os.dup2(datagram.fileno(), number)
            datagram.close()

        racer = threading.Thread(target=swap)
        racer.start()
        try:
            connection.connect(address)
            outcome = "connected"
        except OSError as error:
            outcome = type(error).__name__
        racer.join()
        connection.close()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def lookup(name):
    """The IPv4 addresses libc's resolver finds for `name`, or the error's name."""
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(name, 443, socket.AF_INET, socket.SOCK_STREAM)})
    except socket.gaierror as error:
        return {socket.EAI_NONAME: "EAI_NONAME", socket.EAI_AGAIN: "EAI_AGAIN"}.get(error.errno, str(error))


def handler(event, context):
    if "lookup" in event:
        return {"lookup": lookup(event["lookup"])}
    races = odd_descriptors(int(event.get("odd_descriptors", 0)))
    child = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=20)
    source, _, protocol = child.stdout.strip().partition(" ")
    resolved = sorted({info[4][0] for info in socket.getaddrinfo(os.environ["DB_HOST"], 3306, socket.AF_INET, socket.SOCK_STREAM)})
    return {"blocked_signals": blocked_signals(), "eni": os.environ.get("CLOUDSANDBOX_SOURCE"), "resolved": resolved, "child_source": source,
            "child_greeting_protocol": int(protocol) if protocol else None, "child_error": child.stderr[-400:], "races": races}
