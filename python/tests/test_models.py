"""ln.nn.replace_layer_norms on modules and on transformers models built
from a config with random weights (nothing is downloaded): the loss and
every parameter's gradient match an untouched copy."""

from __future__ import annotations

import copy

import pytest

torch = pytest.importorskip("torch", reason="these tests need PyTorch")
if not torch.cuda.is_available():
    pytest.skip("these tests need a CUDA GPU", allow_module_level=True)

import ln  # noqa: E402


def test_replace_keeps_modules_and_parameters():
    layers = torch.nn.Sequential(
        torch.nn.LayerNorm(64, eps=1e-6),
        torch.nn.Linear(64, 64),
        torch.nn.LayerNorm(64, elementwise_affine=False),
        torch.nn.LayerNorm((4, 16), bias=False, dtype=torch.bfloat16),
    ).cuda()
    shared = layers[0]
    layers.append(shared)  # one module in two places: converted once
    before = [(module, list(module.parameters())) for module in layers]
    reference = copy.deepcopy(layers)
    model, count = ln.nn.replace_layer_norms(layers)
    assert model is layers and count == 3
    for (module, parameters), new in zip(before, layers):
        assert new is module
        assert all(a is b for a, b in zip(parameters, new.parameters()))
    assert [type(m) for m in layers] == [
        ln.nn.LayerNorm, torch.nn.Linear, ln.nn.LayerNorm, ln.nn.LayerNorm,
        ln.nn.LayerNorm]
    assert layers[0].eps == 1e-6 and layers[2].weight is None
    assert layers[3].bias is None and layers[3].weight.dtype == torch.bfloat16
    assert layers.state_dict().keys() == reference.state_dict().keys()
    x = torch.randn(8, 64, device="cuda")
    torch.testing.assert_close(layers[:3](x), reference[:3](x))
    x = torch.randn(8, 4, 16, device="cuda", dtype=torch.bfloat16)
    torch.testing.assert_close(layers[3](x), reference[3](x))


def gradient_check(model, make_loss, loss_tolerance, gradient_tolerance):
    """Converts `model` and checks its loss and gradients against a deep
    copy left on torch's LayerNorm: per parameter, max |error| <=
    gradient_tolerance * (its max |gradient| + 1e-3 * the largest of all),
    the second term for gradients that are round-off only (a key bias)."""
    from torch.nn.attention import SDPBackend, sdpa_kernel

    reference = copy.deepcopy(model)
    expected_count = sum(type(m) is torch.nn.LayerNorm
                         for m in reference.modules())
    _, count = ln.nn.replace_layer_norms(model)
    assert count == expected_count > 0
    with sdpa_kernel(SDPBackend.MATH):  # deterministic attention
        loss = make_loss(model)
        loss_ref = make_loss(reference)
        loss.backward()
        loss_ref.backward()
    assert abs(loss.item() - loss_ref.item()) <= loss_tolerance * abs(
        loss_ref.item())
    parameters = dict(model.named_parameters())
    references = dict(reference.named_parameters())
    assert parameters.keys() == references.keys()
    largest = max(p.grad.abs().max().item() for p in references.values()
                  if p.grad is not None)
    for name, parameter in parameters.items():
        expected = references[name].grad
        if expected is None:
            assert parameter.grad is None, name
            continue
        error = (parameter.grad.float() - expected.float()).abs().max()
        bound = gradient_tolerance * (expected.abs().max().item()
                                      + 1e-3 * largest)
        assert error.item() <= bound, (f"{name}: {error.item():.3g} > "
                                       f"{bound:.3g}")


PRECISIONS = {
    # (autocast dtype or None, loss tolerance, gradient tolerance)
    "float32": (None, 1e-5, 1e-3),
    "bf16-autocast": (torch.bfloat16, 1e-2, 5e-2),
}


def with_autocast(dtype, function):
    if dtype is None:
        return function()
    with torch.autocast("cuda", dtype=dtype):
        return function()


def gpt2(transformers):
    return transformers.GPT2LMHeadModel(transformers.GPT2Config(
        vocab_size=1000, n_positions=128, n_embd=256, n_layer=2, n_head=4,
        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0))


def bert(transformers):
    return transformers.BertForMaskedLM(transformers.BertConfig(
        vocab_size=1000, hidden_size=128, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=512,
        max_position_embeddings=128, hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0))


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("build", [gpt2, bert], ids=["gpt2", "bert"])
def test_transformers_model(build, precision):
    """A model without dropout (so that both copies compute the same
    function), trained on its own input ids as labels."""
    transformers = pytest.importorskip("transformers")
    autocast, loss_tolerance, gradient_tolerance = PRECISIONS[precision]
    torch.manual_seed(0)
    model = build(transformers).cuda().train()
    ids = torch.randint(0, 1000, (4, 96), device="cuda")
    gradient_check(
        model, lambda m: with_autocast(
            autocast, lambda: m(input_ids=ids, labels=ids).loss),
        loss_tolerance, gradient_tolerance)
