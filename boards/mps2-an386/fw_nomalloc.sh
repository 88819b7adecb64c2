#!/bin/sh
# SPDX-License-Identifier: MIT
# fw_nomalloc.sh ELF MAP - fail when the firmware image links any of the C
# library's allocator: a malloc-family or sbrk symbol in the image (nm), or
# an archive member the linker pulled in for one of them (the map file's
# "Archive member included to satisfy reference by file (symbol)" list).
set -eu
elf=$1
map=$2
names='malloc|_malloc_r|calloc|_calloc_r|realloc|_realloc_r|reallocf|_reallocf_r|free|_free_r|memalign|_memalign_r|valloc|pvalloc|posix_memalign|aligned_alloc|sbrk|_sbrk|_sbrk_r|__malloc_av_|__malloc_lock|__malloc_unlock|_malloc_trim_r|mallinfo|_mallinfo_r'
bad=$(arm-none-eabi-nm "$elf" | awk '{print $NF}' | grep -E -x "($names)" || true)
pulled=$(sed -n '/^Archive member included/,/^Discarded input sections/p' "$map" |
    grep -E "\\(($names)\\)\$" || true)
if [ -n "$bad$pulled" ]; then
    echo "fw_nomalloc: $elf links the C library's allocator:" >&2
    [ -z "$bad" ] || echo "$bad" | sed 's/^/  symbol /' >&2
    [ -z "$pulled" ] || echo "$pulled" | sed 's/^/  map: /' >&2
    exit 1
fi
n=$(arm-none-eabi-nm "$elf" | wc -l)
echo "fw_nomalloc: no malloc/calloc/realloc/free/sbrk in $(basename "$elf") ($n symbols, map checked)"
