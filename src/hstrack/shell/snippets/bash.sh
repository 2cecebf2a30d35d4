# hstrack prompt segment for bash 4.2+: eval "$(hstrack init bash)" in ~/.bashrc
#
# Nothing here starts a process on an ordinary prompt. The cache that every hstrack write
# refreshes is read with `read`, today's date comes from printf's %(...)T, and the day
# count is integer arithmetic. `hstrack prompt --refresh` runs only when the cache is not the
# store's: hstrack gives the cache the store's modification time to the nanosecond, so a
# store changed outside hstrack (an edit, or an older copy put back with `cp -p`) makes one
# of the two newer than the other (`-nt` compares nanoseconds; no process is started); or
# the cache's horizon or expiry (a drop at an hour) has passed, or it was built for another TZ.
#
# HSTRACK_PROMPT holds the text; HSTRACK_PROMPT_PS1 the same plus a space, or nothing.
# PS1 gets a reference to the variable, never its text, so a title can never be expanded
# or run (the approach of git-prompt.sh after its "unsanitized branch names" fix).
# Settings: HSTRACK_PROMPT_DISABLE=1 (off), HSTRACK_PROMPT_POSITION=left|none,
# HSTRACK_PROMPT_FORMAT ('{label} · {text}'), HSTRACK_PROMPT_WIDTH (40).

__hstrack_bin=@BIN@
__hstrack_store=@STORE@
__hstrack_cache=@CACHE@
__hstrack_expires=0 __hstrack_zone=${TZ-}

__hstrack_refresh() {
    # At most one attempt per staleness, so a read-only disk never costs a process a prompt.
    [[ -n ${__hstrack_tried-} ]] && return 1
    __hstrack_tried=1
    "$__hstrack_bin" prompt --store "$__hstrack_store" --refresh >/dev/null 2>&1 </dev/null
}

__hstrack_find() {
    # Sets __hstrack_line_* from the cache line covering day number $1; status 1 if none,
    # or if the cache was built for another zone or has expired (epoch seconds $2).
    local header tag zone expires from to target label phase ms window text us=$'\x1f'
    [[ -f $__hstrack_cache && -r $__hstrack_cache ]] || return 1
    {
        IFS= read -r header || return 1
        [[ $header == "hstrack-prompt 2" ]] || return 1
        IFS= read -r header
        IFS=$us read -r tag zone expires || return 1
        [[ $tag == valid && -n $expires && -z ${expires//[0-9]/} ]] || return 1
        # The writer kept TZ to the characters a zone is written with; so does this.
        local tz=${TZ-}
        [[ $zone == "${tz//[^[:alnum:]\/_+:.,<>-]/}" ]] || return 1
        (( expires == 0 || $2 < expires )) || return 1
        __hstrack_expires=$expires
        while IFS=$us read -r from to target label phase ms window text; do
            # Only digits reach arithmetic: bash would evaluate a[$(cmd)] in a value.
            # (Parameter expansion, not =~, which costs more than the rest of a prompt.)
            [[ -n $from && -z ${from//[0-9]/} && -n $to && -z ${to//[0-9]/} ]] || return 1
            [[ $target == - || ( -n $target && -z ${target//[0-9]/} ) ]] || return 1
            if (( from <= $1 && $1 <= to )); then
                __hstrack_target=$target __hstrack_label=$label __hstrack_phase=$phase
                __hstrack_ms=$ms __hstrack_window=$window __hstrack_text=$text
                return 0
            fi
        done
    } < "$__hstrack_cache"
    return 1
}

__hstrack_render() {
    if [[ -n ${HSTRACK_PROMPT_DISABLE-} || ! -e $__hstrack_store ]] \
        || [[ -e $__hstrack_cache && ! -f $__hstrack_cache ]]; then
        # Off, no store, or something other than a file where the cache goes (a FIFO would
        # block a read for good): nothing shown, nothing read, no process.
        HSTRACK_PROMPT= HSTRACK_PROMPT_PS1= __hstrack_key=
        return 0
    fi
    if [[ ! -e $__hstrack_cache || -L $__hstrack_cache || $__hstrack_store -nt $__hstrack_cache \
        || $__hstrack_cache -nt $__hstrack_store ]]; then
        __hstrack_refresh || { HSTRACK_PROMPT= HSTRACK_PROMPT_PS1= __hstrack_key=; return 0; }
    else
        __hstrack_tried=
    fi
    local now epoch content key
    printf -v now '%(%Y%m%d)T' -1
    printf -v epoch '%(%s)T' -1
    # Past the moment something dated to the minute happens, or the zone changed: recompute.
    if (( ${__hstrack_expires:-0} && epoch >= __hstrack_expires )) || [[ ${TZ-} != "${__hstrack_zone-}" ]]; then
        __hstrack_key= __hstrack_zone=${TZ-}
    fi
    IFS= read -r -d '' content < "$__hstrack_cache"
    # Same day, same cache, same settings as last prompt: the same text. This is the
    # path almost every prompt takes.
    key="$now/${HSTRACK_PROMPT_FORMAT-}/${HSTRACK_PROMPT_WIDTH-}/$content"
    if [[ $key != "${__hstrack_key-}" ]]; then
        __hstrack_compute "$now" "$epoch" && __hstrack_key=$key || __hstrack_key=
    fi
    if [[ -n $HSTRACK_PROMPT && ${HSTRACK_PROMPT_POSITION:-left} == left ]] && shopt -q promptvars \
        && [[ $PS1 != *'${HSTRACK_PROMPT_PS1}'* ]]; then
        PS1='${HSTRACK_PROMPT_PS1}'$PS1
    fi
    return 0
}

__hstrack_compute() {
    # $1: today as YYYYMMDD. Sets HSTRACK_PROMPT and HSTRACK_PROMPT_PS1.
    HSTRACK_PROMPT= HSTRACK_PROMPT_PS1=
    local y m d era yoe doy doe dn days out w
    y=$((10#${1:0:4})) m=$((10#${1:4:2})) d=$((10#${1:6:2}))
    (( y -= m <= 2, era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400,
       doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1,
       doe = yoe * 365 + yoe / 4 - yoe / 100 + doy, dn = era * 146097 + doe - 719468 )) || :
    if ! __hstrack_find "$dn" "$2"; then
        # Past the horizon or its expiry, built for another zone, or a cache this shell
        # cannot read: rebuild once.
        __hstrack_refresh && __hstrack_find "$dn" "$2" || return 1
    fi
    [[ -z $__hstrack_label && -z $__hstrack_text ]] && return 0
    days=
    if [[ $__hstrack_target != - ]]; then
        days=$(( __hstrack_target - dn ))
        if (( days == 0 )); then __hstrack_text=today; else __hstrack_text=${days}d; fi
    fi
    out=${HSTRACK_PROMPT_FORMAT:-'{label} · {text}'}
    # Quoted replacements: bash 5.2's patsub_replacement would otherwise treat & specially.
    out=${out//'{label}'/"$__hstrack_label"}
    out=${out//'{phase}'/"$__hstrack_phase"}
    out=${out//'{milestone}'/"$__hstrack_ms"}
    out=${out//'{days}'/"$days"}
    out=${out//'{window}'/"$__hstrack_window"}
    out=${out//'{text}'/"$__hstrack_text"}
    w=${HSTRACK_PROMPT_WIDTH:-40}
    [[ -n $w && -z ${w//[0-9]/} && ${#w} -le 5 ]] && (( 10#$w >= 1 )) || w=40
    (( ${#out} > w )) && out="${out:0:w-1}…"
    HSTRACK_PROMPT=$out
    HSTRACK_PROMPT_PS1="$out "
    return 0
}

# Run last, after the user's own PROMPT_COMMAND (which may set PS1), whatever its form.
if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
    [[ " ${PROMPT_COMMAND[*]} " == *" __hstrack_render "* ]] || PROMPT_COMMAND+=(__hstrack_render)
elif [[ ${PROMPT_COMMAND-} != *__hstrack_render* ]]; then
    PROMPT_COMMAND="${PROMPT_COMMAND:+${PROMPT_COMMAND}$'\n'}__hstrack_render"
fi
