# hstrack prompt segment for fish 3.5+: hstrack init fish | source  (in config.fish)
#
# fish has no clock builtin, so this starts `hstrack prompt` only when the cache changes
# (every hstrack write refreshes it), the day turns, something dated to the minute happens
# or TZ changes; every other prompt reuses the last text. "Now" comes from `path mtime` and `path mtime --relative`, and the cache is read
# with `read`: all builtins.
# fish prints prompt text as it is, and hstrack strips every control character.
# Settings: HSTRACK_PROMPT_DISABLE=1 (off), HSTRACK_PROMPT_POSITION=left|right|none,
# HSTRACK_PROMPT_FORMAT ('{label} · {text}'), HSTRACK_PROMPT_WIDTH (40).

set -g __hstrack_bin @BIN@
set -g __hstrack_store @STORE@
set -g __hstrack_cache @CACHE@
set -g __hstrack_seen ''
set -g __hstrack_until 0
set -g __hstrack_zone "$TZ"
set -g HSTRACK_PROMPT ''

function __hstrack_update
    if set -q HSTRACK_PROMPT_DISABLE; and test -n "$HSTRACK_PROMPT_DISABLE"
        set -g HSTRACK_PROMPT ''
        return
    end
    if not test -e $__hstrack_store
        set -g HSTRACK_PROMPT ''
        return
    end
    # Something other than a file where the cache goes (a FIFO would block a read):
    # nothing shown, nothing read, no process.
    if test -e $__hstrack_cache; and not test -f $__hstrack_cache
        set -g HSTRACK_PROMPT ''
        return
    end
    set -l now (math (path mtime $__hstrack_store) + (path mtime --relative $__hstrack_store))
    # The cache's content, not its mtime: `path mtime` counts whole seconds, and two
    # changes within one second must not look like none.
    set -l content ''
    test -r $__hstrack_cache; and read -z content < $__hstrack_cache
    if test "$content" = "$__hstrack_seen"; and test $now -lt $__hstrack_until
        and not test $__hstrack_store -nt $__hstrack_cache; and not test $__hstrack_cache -nt $__hstrack_store
        and not test -L $__hstrack_cache; and test "$TZ" = "$__hstrack_zone"
        return
    end
    set -g __hstrack_zone "$TZ"
    # The day turned, the cache changed, or the store was edited or put back outside hstrack
    # (hstrack gives the cache the store's modification time to the nanosecond, so then one
    # is newer than the other): one process, which checks the store's whole identity.
    set -l out ($__hstrack_bin prompt --store $__hstrack_store --until 2>/dev/null </dev/null)
    set -g HSTRACK_PROMPT "$out[1]"
    set -g __hstrack_until (string match -r '^[0-9]+$' -- "$out[2]"; or echo 0)
    set content ''
    test -r $__hstrack_cache; and read -z content < $__hstrack_cache
    set -g __hstrack_seen "$content"
end

if not functions -q __hstrack_orig_fish_prompt
    functions -q fish_prompt; and functions -c fish_prompt __hstrack_orig_fish_prompt
end
if not functions -q __hstrack_orig_fish_right_prompt
    functions -q fish_right_prompt; and functions -c fish_right_prompt __hstrack_orig_fish_right_prompt
end

function fish_prompt
    __hstrack_update
    if test -n "$HSTRACK_PROMPT"; and test "$HSTRACK_PROMPT_POSITION" != none; and test "$HSTRACK_PROMPT_POSITION" != right
        printf '%s ' "$HSTRACK_PROMPT"
    end
    functions -q __hstrack_orig_fish_prompt; and __hstrack_orig_fish_prompt
end

function fish_right_prompt
    if test -n "$HSTRACK_PROMPT"; and test "$HSTRACK_PROMPT_POSITION" = right
        printf '%s' "$HSTRACK_PROMPT"
    end
    functions -q __hstrack_orig_fish_right_prompt; and __hstrack_orig_fish_right_prompt
end
