from ninja import Router, Schema

from .auth import bearer

router = Router(tags=["accounts"])


class DepartmentRef(Schema):
    code: str
    name: str


class Me(Schema):
    username: str
    role: str
    department: DepartmentRef | None


@router.get("/me", response=Me, auth=bearer, summary="The user the bearer token belongs to")
def me(request):
    user = request.auth
    department = user.department
    return {
        "username": user.username,
        "role": user.role,
        "department": {"code": department.code, "name": department.tr()} if department else None,
    }


class Pong(Schema):
    pong: bool


@router.get("/ping", response=Pong, summary="Liveness without the database (load balancers, benchmarks)")
def ping(request):
    return {"pong": True}
