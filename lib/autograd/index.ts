// Reverse-mode autograd over Tensors: Vars and the backward pass (var.ts), the ops (ops.ts) and a
// finite-difference gradient check (gradcheck.ts).
export { BufferPool, Context, Var, backward, topologicalOrder, gradTarget, addToGrad } from './var';
export { add, addBias, biasRelu, conv2d, matmul, mean, meanPool, relu, reshape, scale, softmaxCrossEntropy, sum, type Conv2dFlags, type MatmulFlags } from './ops';
export { gradcheck, type GradcheckFailure, type GradcheckOptions, type GradcheckResult } from './gradcheck';
