"""A legacy caller: Python's standard library only, the published JSON, HTTP Basic.

Reads its configuration as JSON from PAYREQ_CALLER_CONFIG, makes the calls a legacy integration makes, and
prints what it saw (statuses, headers, the raw JSON's keys in order and their JSON types) as one JSON object.
"""
import base64
import json
import os
import urllib.error
import urllib.request

config = json.loads(os.environ["PAYREQ_CALLER_CONFIG"])
ids = config["ids"]


def json_type(value):
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def describe(value):
    """Keys in the order the bytes carry them, each with its JSON type; lists by their first item."""
    if isinstance(value, list):
        return [describe(value[0])] if value else []
    if isinstance(value, dict):
        return [[key, json_type(item), describe(item)] for key, item in value.items()]
    return None


def post(body, password=None):
    credentials = f"{config['username']}:{password or config['password']}".encode("utf-8")
    request = urllib.request.Request(
        f"{config['url']}/payment/aggregator/v1/departments/{ids['department']}/payment-requests",
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "*/*",
            "Authorization": "Basic " + base64.b64encode(credentials).decode("ascii"),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, error.headers, error.read()
    parsed = json.loads(raw.decode("utf-8"), object_pairs_hook=dict)
    return {
        "status": status,
        "contentType": headers.get("Content-Type"),
        "requestId": headers.get("X-Request-Id"),
        "bom": raw.startswith(b"\xef\xbb\xbf"),
        "shape": describe(parsed),
        "body": parsed,
    }


first = {
    "amount": 125.5,
    "orderNumber": config["orderNumber"],
    "orderType": "RO",
    "customerUuid": ids["customer"],
    "sendAsText": True,
    "sendAsEmail": True,
}
created = post(first)

# Every published field, in the published order, now that the order exists.
every_field = {
    "amount": 125.5,
    "description": "Brake pads and rotors",
    "refundedAmount": 0,
    "paidDate": "2025-03-28T11:34:46.520Z",
    "signatureFileName": "signature.png",
    "reminderDate": "2025-03-28T11:34:46.520Z",
    "reminderMileage": 0,
    "fileName": "invoice.pdf",
    "paymentDeclines": "none",
    "invoiceAttributes": {},
    "dealerUuid": ids["dealer"],
    "orderUuid": created["body"].get("orderUuid"),
    "customerUuid": ids["customer"],
    "dealerAssociateDepartmentUuid": ids["department"],
    "dealerAssociateUuid": ids["associate"],
    "dealerAssociateUserUuid": ids["associateUser"],
    "attachInvoice": True,
    "esignInvoice": True,
    "sendAsText": True,
    "sendAsEmail": True,
    "orderNumber": config["orderNumber"],
    "orderType": "RO",
}
published = post(every_field)

# Generated Java and C# clients send null for the fields they leave unset. A customer without a phone: the text
# fails with a warning, so the warning's shape shows too.
with_nulls = post({
    **first,
    "orderNumber": config["orderNumber"] + "-N",
    "customerUuid": ids["emailOnlyCustomer"],
    "description": None,
    "orderUuid": None,
    "sendAsEmail": None,
})

typo = post({**first, "sendAsTxt": True})
wrong_password = post(first, password="not-the-password")

print(json.dumps({
    "created": created,
    "published": published,
    "withNulls": with_nulls,
    "typo": typo,
    "wrongPassword": wrong_password,
}))
