#===- CompileBlkKernel.cmake - A blk kernel to PTX at build time ----------===#
#
# ln_compile_blk_kernel(<output-dir> <name> <source.mlir> <specialize>
#                       [<blk-to-ptx options>])
# adds the build rule turning <source.mlir> into <output-dir>/<name>.ptx:
# ln-opt with --blk-specialize=<specialize> and --blk-to-ptx (with the
# pipeline's options, e.g. "local-accumulators=true", where given), then
# ln-translate --ptx (the MLIR in between is kept beside it). Used for the
# shipped kernels (kernels/) and the GPU tests' kernels (test/), which the
# GPU machine, without a compiler, runs as PTX.

function(ln_compile_blk_kernel output_dir name source specialize)
  set(pipeline --blk-to-ptx)
  if(ARGC GREATER 4 AND NOT "${ARGV4}" STREQUAL "")
    set(pipeline "--blk-to-ptx=${ARGV4}")
  endif()
  add_custom_command(
    OUTPUT ${output_dir}/${name}.ptx
    COMMAND ${CMAKE_COMMAND} -E make_directory ${output_dir}
    COMMAND ln-opt ${source} "--blk-specialize=${specialize}" ${pipeline}
            -o ${output_dir}/${name}.mlir
    COMMAND ln-translate --ptx ${output_dir}/${name}.mlir
            -o ${output_dir}/${name}.ptx
    DEPENDS ${source} ln-opt ln-translate
    COMMENT "Compiling ${name}.ptx"
    VERBATIM)
endfunction()
