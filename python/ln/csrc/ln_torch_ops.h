//===- ln_torch_ops.h - The operators of the C++ library ------------------===//
//
// What the library's two sources share: the forward operator's signature
// and its handle, through which ln_torch_eager.cpp calls it as
// ln_torch_ops.cpp's autograd and autocast kernels do.
//
//===----------------------------------------------------------------------===//

#ifndef LN_TORCH_OPS_H
#define LN_TORCH_OPS_H

#include <ATen/core/dispatch/Dispatcher.h>

#include <optional>
#include <tuple>

namespace ln::torch_ops {

/// ln::layer_norm_fwd: (x, normalized_shape, weight, bias, eps) -> (y, mean,
/// rstd).
using ForwardSignature = std::tuple<at::Tensor, at::Tensor, at::Tensor>(
    const at::Tensor &, c10::SymIntArrayRef, const std::optional<at::Tensor> &,
    const std::optional<at::Tensor> &, double);

/// The dispatcher's handle of ln::layer_norm_fwd (a call goes through every
/// dispatch key: autograd, autocast, Python modes, functorch).
const c10::TypedOperatorHandle<ForwardSignature> &forwardOp();

} // namespace ln::torch_ops

#endif // LN_TORCH_OPS_H
