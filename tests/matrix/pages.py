from tests.matrix import Route, public

# Everything here is public and read-only: every persona may GET, nobody may POST.
# /healthz answers 200 while the database, cache and broker are up (the test run's are).
ROUTES = [
    Route("pages:home", get=public(), post=public(405)),
    Route("pages:about", get=public(), post=public(405)),
    Route("pages:accessibility", get=public(), post=public(405)),
    Route("pages:privacy", get=public(), post=public(405)),
    Route("pages:cookies", get=public(), post=public(405)),
    Route("pages:contact", get=public(), post=public(405)),
    Route("pages:healthz", get=public(), post=public(405)),
    Route("pages:healthz_live", get=public(), post=public(405)),
    Route("pages:healthz_ready", get=public(), post=public(405)),
]
