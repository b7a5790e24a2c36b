"""Answer feedback: ``POST /api/feedback`` (thumbs up or down, with a reason), stored with
the answer it is about (``services.feedback``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from api.auth import caller
from api.schemas import FeedbackIn
from rag.contract import Feedback
from services.feedback import answer_for
from services.gate import SharedDesk
from services.keys import Principal


def router(shared: SharedDesk) -> APIRouter:
    writes = caller(shared, write=True)
    routes = APIRouter(prefix="/api", tags=["feedback"])

    @routes.post(
        "/feedback",
        response_model=Feedback,
        status_code=201,
        summary="Say whether an answer was right (up) or what was wrong with it (down)",
        description="Name the answer by `answer_id` (one this server gave lately) or send "
        "the answer itself as received. Stored with the answer; `newsdesk feedback export` "
        "turns feedback into evaluation questions.",
    )
    async def post_feedback(body: FeedbackIn, principal: Principal = Depends(writes)) -> Feedback:
        collection = principal.reading([body.collection] if body.collection else ())[0]

        def give() -> Feedback:
            answer = answer_for(shared.answers, body.answer_id, body.the_answer())
            return shared.feedback.give(body.vote, answer, body.reason, body.note, collection)

        return await run_in_threadpool(give)

    return routes
