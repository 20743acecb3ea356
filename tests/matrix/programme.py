from tests.matrix import LOGIN, Route, expect

STAFF_ONLY = expect(404, anonymous=LOGIN, staff=200)

ROUTES = [
    Route("programme:dashboard", get=STAFF_ONLY, post=expect(404, anonymous=LOGIN, staff=405)),
    Route("programme:report", get=STAFF_ONLY),
    Route("programme:report_csv", get=STAFF_ONLY),
]
