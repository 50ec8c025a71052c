"""Errors of uploads, downloads and commitments."""

from onevisit.errors import Conflict, Forbidden, NotFound, OneVisitError


class MaterialTooLarge(OneVisitError):
    status = 413
    code = "material_too_large"
    title = "材料文件过大"


class UnsupportedMaterialType(OneVisitError):
    status = 415
    code = "material_type_unsupported"
    title = "材料文件类型不支持"


class MaterialNotRequested(OneVisitError):
    status = 422
    code = "material_not_requested"
    title = "本申请不需要提交该材料"


class MaterialsClosed(Conflict):
    code = "materials_closed"
    title = "当前状态不能再上传材料"


class MaterialNotFound(NotFound):
    code = "material_not_found"
    title = "未找到该材料"


class LinkInvalid(Forbidden):
    code = "material_link_invalid"
    title = "下载链接无效或已过期"


class CommitmentNotAllowed(OneVisitError):
    status = 422
    code = "commitment_not_allowed"
    title = "该材料不能以告知承诺代替"


class CommitmentExists(Conflict):
    code = "commitment_exists"
    title = "已签署该材料的告知承诺"


class MaterialStorageFailed(OneVisitError):
    status = 503
    code = "material_storage_failed"
    title = "材料保存失败，请重新上传"
