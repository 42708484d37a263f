"""The stand-in's HTTP app: the Web API, ``response_url``s, the page and its endpoints."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from bot.slack_standin.response_urls import answer_response_url
from bot.slack_standin.sender import SlackSender
from bot.slack_standin.state import StandinState
from bot.slack_standin.ui_routes import create_ui_router
from bot.slack_standin.web_api import answer_web_api

STATIC = Path(__file__).with_name("static")


def create_standin_app(state: StandinState, *, sender: SlackSender | None = None) -> FastAPI:
    """The stand-in as a FastAPI app.

    Routes: ``/api/<method>`` (GET or POST, the Web API), ``POST /commands/…`` and
    ``POST /actions/…`` (``response_url``s), ``/`` (the page), ``/static/…`` and ``/ui/…``
    (the page's files and endpoints). ``app.state.sender`` is the connection to the bot; it
    may be set after creation.
    """
    app = FastAPI(title="Slack stand-in", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.standin = state
    app.state.sender = sender

    @app.api_route("/api/{method}", methods=["GET", "POST"])
    async def web_api(method: str, request: Request) -> JSONResponse:
        answer = answer_web_api(
            state,
            method,
            query=list(request.query_params.multi_items()),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.body(),
        )
        return JSONResponse(answer.body, status_code=answer.status, headers=answer.headers)

    @app.post("/commands/{team_id}/{serial}/{secret}")
    @app.post("/actions/{team_id}/{serial}/{secret}")
    async def response_url(
        team_id: str, serial: str, secret: str, request: Request
    ) -> JSONResponse:
        if team_id != state.workspace.team_id:
            return JSONResponse({"ok": False, "error": "no_service"}, status_code=404)
        answer = answer_response_url(state, f"{serial}/{secret}", await request.body())
        return JSONResponse(answer.body, status_code=answer.status)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(create_ui_router(state, lambda: app.state.sender))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
