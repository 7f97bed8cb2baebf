"""The anonymous quiz results API: validate strictly, limit per client, store each submission once.

POST /api/quiz-results takes a JSON object with exactly the fields of `FIELDS`; anything else is
refused, so no personal data can slip in. The client makes up `submission_id` (a UUID) once per
completed quiz: replays answer 200 and add nothing, even when they race (a unique constraint
decides). No cookie is read or set; the browser may call from the origins in LOA_QUIZ_CORS_ORIGINS.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from loa.web.quiz.limits import client_key, take_token
from loa.web.quiz.models import QuizResult
from loa.web.units.models import OrgUnit

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,19})?$")
FIELDS = ("submission_id", "quiz", "audience", "code", "score", "answers")
MAX_BODY = 2048
MAX_ANSWERS = 200


def validate(payload: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (clean values, errors by field) for a decoded JSON body."""
    if not isinstance(payload, dict):
        return {}, {"body": "Phải là một đối tượng JSON."}
    errors = {name: "Trường không được chấp nhận." for name in payload if name not in FIELDS}
    errors |= {name: "Thiếu trường bắt buộc." for name in FIELDS if name not in payload}
    clean: dict[str, Any] = {}
    if "submission_id" in payload:
        try:
            clean["submission_id"] = uuid.UUID(str(payload["submission_id"]))
        except ValueError:
            errors["submission_id"] = "Phải là một UUID."
    for name in ("quiz", "audience"):
        value = payload.get(name)
        if name in payload and not (isinstance(value, str) and len(value) <= 80 and SLUG.match(value)):
            errors[name] = "Phải là một mã (chữ thường, số và dấu gạch ngang)."
        elif name in payload:
            clean[name] = value
    code = payload.get("code")
    if "code" in payload and not (isinstance(code, str) and CODE.match(code)):
        errors["code"] = "Phải là mã trường, có thể kèm “/lớp”, ví dụ 27700-THCS/6A — không phải tên."
    elif "code" in payload:
        clean["code"] = code
    for name in ("score", "answers"):
        value = payload.get(name)
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ANSWERS
        if name in payload and not ok:
            errors[name] = f"Phải là số nguyên từ 0 đến {MAX_ANSWERS}."
        elif name in payload:
            clean[name] = value
    if "score" in clean and "answers" in clean:
        if clean["answers"] == 0:
            errors["answers"] = "Phải lớn hơn 0."
        elif clean["score"] > clean["answers"]:
            errors["score"] = "Không được lớn hơn số câu trả lời."
    return clean, errors


def _cors(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    origin = request.headers.get("Origin")
    if origin and origin in settings.LOA_QUIZ_CORS_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    response["Cache-Control"] = "no-store"
    return response


def _error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return _cors(request, JsonResponse({"error": message, **extra}, status=status))


@csrf_exempt
def quiz_results(request: HttpRequest) -> HttpResponse:
    origin = request.headers.get("Origin")
    if (
        origin
        and origin not in settings.LOA_QUIZ_CORS_ORIGINS
        and origin != request.build_absolute_uri("/")[:-1]
    ):
        return _error(request, 403, "Nguồn gọi không được phép.")
    if request.method == "OPTIONS":  # CORS preflight: POST with a JSON body, no credentials
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        return _cors(request, response)
    if request.method != "POST":
        response = _error(request, 405, "Chỉ nhận POST.")
        response["Allow"] = "POST, OPTIONS"
        return response
    if request.content_type not in ("application/json", "text/plain"):
        return _error(request, 415, "Nội dung phải là JSON (application/json).")
    if len(request.body) > MAX_BODY:
        return _error(request, 413, "Nội dung quá lớn.")
    wait = take_token(client_key(request))
    if wait > 0:
        response = _error(request, 429, "Gửi quá nhiều, vui lòng thử lại sau.")
        response["Retry-After"] = str(max(1, math.ceil(wait)))
        return response
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _error(request, 400, "JSON không hợp lệ.")
    clean, errors = validate(payload)
    if errors:
        return _error(request, 400, "Dữ liệu không hợp lệ.", fields=errors)
    return _store(request, clean)


def _store(request: HttpRequest, clean: dict[str, Any]) -> HttpResponse:
    if insert_once(clean):
        body = {"submission_id": str(clean["submission_id"]), "status": "created"}
        return _cors(request, JsonResponse(body, status=201))
    # The same submission arrived before (or at the same moment): the unique constraint kept one.
    result = QuizResult.objects.filter(submission_id=clean["submission_id"]).first()
    if result is None:
        return _error(request, 400, "Dữ liệu không hợp lệ.")
    if not all(str(getattr(result, k)) == str(v) for k, v in clean.items()):
        return _error(request, 409, "Mã lượt nộp này đã dùng cho một kết quả khác.")
    return _cors(request, JsonResponse({"submission_id": str(result.submission_id), "status": "duplicate"}))


def insert_once(clean: dict[str, Any]) -> bool:
    """Store a result unless its submission id is taken; True when this call stored it.

    One statement, committed on its own: the unit is looked up by the school part of the code inside
    the INSERT, and ON CONFLICT DO NOTHING lets the unique constraint settle races without an error
    (PostgreSQL and SQLite ≥ 3.35 alike). This is the API's hot path, hence SQL rather than the ORM.
    """
    fields = {f.attname: f for f in QuizResult._meta.concrete_fields}
    values = {**clean, "received_at": timezone.now()}
    names = list(values)
    params = [fields[n].get_db_prep_save(values[n], connection) for n in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(n) for n in [*names, "unit_id"])
    sql = (
        f"INSERT INTO {quote(QuizResult._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(names))}, "
        f"(SELECT {quote('id')} FROM {quote(OrgUnit._meta.db_table)} WHERE {quote('code')} = %s)) "
        f"ON CONFLICT ({quote('submission_id')}) DO NOTHING RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, clean["code"].split("/", 1)[0]])
        return cursor.fetchone() is not None
