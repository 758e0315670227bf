"""The pages run under the Content-Security-Policy, and a breach of it fails a browser test."""


def test_it_refuses_inline_style_and_reports_it(page, live_server, csp_violations):
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p id=\"inline\" style=\"color: red\">x</p>')"
    )
    colour = page.evaluate("getComputedStyle(document.getElementById('inline')).color")
    assert colour != "rgb(255, 0, 0)"
    page.wait_for_timeout(300)  # console messages arrive asynchronously
    assert any("inline style" in text for text in csp_violations), csp_violations
    csp_violations.clear()  # seen here; the autouse fixture would otherwise fail this test
