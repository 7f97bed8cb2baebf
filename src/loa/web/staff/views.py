"""Sign-in (password, then TOTP for administrators), home, units and the audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from loa.web.access import twofactor
from loa.web.access.decorators import staff_required
from loa.web.access.forms import ThrottledLoginForm, TokenForm
from loa.web.access.models import AuditEvent, Role
from loa.web.access.rules import require, role_of
from loa.web.access.scoping import get_scoped_or_404, scoped
from loa.web.dispatches.models import Delivery
from loa.web.units.models import OrgUnit, UnitChange


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) in (Role.ADMIN, Role.LEADER):
        return redirect("staff:dashboard")
    return redirect("staff:inbox")


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    deliveries = scoped(Delivery.objects.select_related("dispatch", "unit"), request.user).order_by(
        "acknowledged_at", "-dispatch__issued_on"
    )
    return render(request, "staff/inbox.html", {"deliveries": deliveries[:100]})


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = twofactor.confirmed_device(request.user)
    if device is None:
        return redirect("staff:otp-enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, device, form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", "Mã không đúng hoặc đã hết hạn — nhập mã mới trên ứng dụng xác thực.")
    return render(request, "staff/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    if twofactor.confirmed_device(request.user) is not None:
        return redirect("staff:otp-verify")
    device = twofactor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, device, form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", "Mã không đúng — kiểm tra giờ của điện thoại rồi nhập mã mới.")
    context = {
        "form": form,
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_of(device),
        "next": _next(request),
    }
    return render(request, "staff/otp_enrol.html", context)


@staff_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = scoped(OrgUnit.objects.all(), request.user)
    query = request.GET.get("q", "").strip()
    if query:
        units = units.filter(name__icontains=query)
    return render(request, "staff/units.html", {"units": units[:300], "query": query, "total": units.count()})


@staff_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_or_404(OrgUnit.objects.select_related("parent"), request.user, pk=pk)
    context = {
        "unit": unit,
        "children": scoped(unit.children.all(), request.user)[:300],
        "history": scoped(UnitChange.objects.filter(unit=unit), request.user),
        "deliveries": scoped(Delivery.objects.filter(unit=unit).select_related("dispatch"), request.user)[
            :50
        ],
    }
    return render(request, "staff/unit_detail.html", context)


@staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(role_of(request.user) == Role.ADMIN)
    events = scoped(AuditEvent.objects.all(), request.user)[:300]
    return render(request, "staff/audit.html", {"events": events})
