# One place for warning flags: every target of the project calls this.
function(tlsaudit_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    # g++ 12 misreports Asio's awaitable frame allocator (operator new/delete pair).
    -Wno-mismatched-new-delete)
  if(TLSAUDIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
