"""A passkey in software: it answers the server's WebAuthn options as a phone would (an ES256
key, "none" attestation, user verified), so the server's checks run on real signatures."""

import base64
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP_UV = 0x01 | 0x04  # the person was present and verified (fingerprint, face or screen lock)
ATTESTED = 0x40


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftPasskey:
    """One credential. ``counting=False`` behaves like a synced passkey, whose count stays 0."""

    def __init__(self, origin="http://localhost", counting=True):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.user_handle = b""
        self.sign_count = 0
        self.origin = origin
        self.counting = counting

    def create(self, options_json: str) -> str:
        """The answer to navigator.credentials.create(options)."""
        options = json.loads(options_json)
        self.user_handle = unb64url(options["user"]["id"])
        point = self.key.public_key().public_numbers()
        cose_key = {
            1: 2,
            3: -7,
            -1: 1,
            -2: point.x.to_bytes(32, "big"),
            -3: point.y.to_bytes(32, "big"),
        }
        attested = (
            bytes(16)  # AAGUID: none given
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + cbor2.dumps(cose_key)
        )
        auth_data = self._auth_data(options["rp"]["id"], UP_UV | ATTESTED, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return self._credential(
            clientDataJSON=b64url(client_data),
            attestationObject=b64url(attestation),
            transports=["internal"],
        )

    def get(self, options_json: str) -> str:
        """The answer to navigator.credentials.get(options)."""
        options = json.loads(options_json)
        if self.counting:
            self.sign_count += 1
        auth_data = self._auth_data(options["rpId"], UP_UV)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signed = auth_data + hashlib.sha256(client_data).digest()
        return self._credential(
            clientDataJSON=b64url(client_data),
            authenticatorData=b64url(auth_data),
            signature=b64url(self.key.sign(signed, ec.ECDSA(hashes.SHA256()))),
            userHandle=b64url(self.user_handle),
        )

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + attested

    def _client_data(self, kind: str, challenge: str) -> bytes:
        fields = {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        return json.dumps(fields).encode()

    def _credential(self, **response) -> str:
        return json.dumps(
            {
                "id": b64url(self.credential_id),
                "rawId": b64url(self.credential_id),
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
            }
        )
