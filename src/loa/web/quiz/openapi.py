"""The OpenAPI 3.1 description of the quiz results API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse

from loa.web.quiz.api import CODE, MAX_ANSWERS, SLUG

ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["error"],
}


def _error(description: str, **headers: Any) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        response["headers"] = headers
    return response


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Loa — kết quả câu đố (ẩn danh)",
        "version": "1.0.0",
        "description": (
            "Cổng thông tin gửi kết quả mỗi lượt làm câu đố: điểm, số câu và mã trường/lớp — "
            "không bao giờ có tên hay thông tin cá nhân. Gửi lại cùng submission_id không tạo thêm bản "
            "ghi. Không dùng cookie. Giới hạn số lần gửi theo địa chỉ máy khách (429 kèm Retry-After)."
        ),
    },
    "paths": {
        "/api/quiz-results": {
            "post": {
                "operationId": "submitQuizResult",
                "summary": "Gửi kết quả một lượt làm câu đố",
                "security": [],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QuizResult"}}},
                },
                "responses": {
                    "201": {
                        "description": "Đã lưu",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}
                        },
                    },
                    "200": {
                        "description": "Lượt nộp này đã có (gửi lại): không lưu thêm",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}
                        },
                    },
                    "400": _error("Dữ liệu không hợp lệ hoặc có trường lạ"),
                    "403": _error("Nguồn gọi (Origin) không được phép"),
                    "409": _error("submission_id đã dùng cho một kết quả khác"),
                    "413": _error("Nội dung quá lớn"),
                    "415": _error("Nội dung không phải JSON"),
                    "429": _error(
                        "Gửi quá nhiều",
                        **{"Retry-After": {"description": "Số giây cần chờ", "schema": {"type": "integer"}}},
                    ),
                },
            }
        }
    },
    "components": {
        "schemas": {
            "QuizResult": {
                "type": "object",
                "additionalProperties": False,
                "required": ["submission_id", "quiz", "audience", "code", "score", "answers"],
                "properties": {
                    "submission_id": {
                        "type": "string",
                        "format": "uuid",
                        "description": "Mã ngẫu nhiên do trình duyệt tạo cho mỗi lượt hoàn thành câu đố",
                    },
                    "quiz": {
                        "type": "string",
                        "pattern": SLUG.pattern,
                        "maxLength": 80,
                        "example": "an-toan-mang-11-15",
                    },
                    "audience": {
                        "type": "string",
                        "pattern": SLUG.pattern,
                        "maxLength": 80,
                        "example": "tre-11-15",
                    },
                    "code": {
                        "type": "string",
                        "pattern": CODE.pattern,
                        "description": "Mã trường (mã đơn vị), có thể kèm “/lớp” — không phải tên",
                        "example": "27700-THCS/6A",
                    },
                    "score": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": MAX_ANSWERS,
                        "description": "Số câu đúng",
                    },
                    "answers": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_ANSWERS,
                        "description": "Số câu đã trả lời (không nhỏ hơn score)",
                    },
                },
            },
            "Accepted": {
                "type": "object",
                "properties": {
                    "submission_id": {"type": "string", "format": "uuid"},
                    "status": {"type": "string", "enum": ["created", "duplicate"]},
                },
                "required": ["submission_id", "status"],
            },
            "Error": ERROR,
        }
    },
}


def openapi_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(SPEC, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response
