from tests.matrix import Route, public

ROUTES = [
    Route("pages:home", get=public()),
    Route("pages:about", get=public()),
    Route("pages:accessibility", get=public()),
    Route("pages:privacy", get=public()),
    Route("pages:cookies", get=public()),
    Route("pages:healthz", get=public()),
]
