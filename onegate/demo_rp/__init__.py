"""A demo relying party: an agency's own system that signs people in with OneGate over OpenID
Connect, as an outside system would (over HTTP, with PKCE, checking the ID token's signature and
claims itself). Served at ``/demo-rp/`` only when ``DEMO_RP_ENABLED`` is on (the demo and tests).
"""
