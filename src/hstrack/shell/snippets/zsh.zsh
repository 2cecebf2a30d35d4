# hstrack prompt segment for zsh: eval "$(hstrack init zsh)" in ~/.zshrc
#
# Nothing here starts a process on an ordinary prompt: the cache every hstrack write
# refreshes is read with `read`, today's date comes from zsh/datetime (a module, not a
# command) and the day count is integer arithmetic. `hstrack prompt --refresh` runs only
# when the cache is not the store's (hstrack gives it the store's modification time to the
# nanosecond, so a store changed or put back outside hstrack makes one of the two newer than
# the other), the cache's horizon or expiry (a drop at an hour) has passed, or it was built
# for another TZ.
#
# HSTRACK_PROMPT holds the text; HSTRACK_PROMPT_ZSH the same with every % doubled (and
# every ! too when prompt_bang is set) and a space, for prompts. With prompt_subst on, the prompt gets a reference to that variable;
# with it off, the (percent-doubled) text itself, which zsh then never expands.
# Settings: HSTRACK_PROMPT_DISABLE=1 (off), HSTRACK_PROMPT_POSITION=left|right|none,
# HSTRACK_PROMPT_FORMAT ('{label} · {text}'), HSTRACK_PROMPT_WIDTH (40).

typeset -g __hstrack_bin=@BIN@
typeset -g __hstrack_store=@STORE@
typeset -g __hstrack_cache=@CACHE@
typeset -g __hstrack_tried= __hstrack_inserted= __hstrack_rinserted= __hstrack_key=
typeset -g __hstrack_expires=0 __hstrack_zone=${TZ-}
zmodload -F zsh/datetime b:strftime p:EPOCHSECONDS 2>/dev/null

__hstrack_refresh() {
    [[ -n $__hstrack_tried ]] && return 1
    __hstrack_tried=1
    "$__hstrack_bin" prompt --store "$__hstrack_store" --refresh >/dev/null 2>&1 </dev/null
}

__hstrack_find() {
    # $1: today's day number; $2: now in epoch seconds. Status 1 when no line covers today,
    # or the cache was built for another zone or has expired.
    emulate -L zsh
    local header tag zone expires from to target label phase ms window text us=$'\x1f'
    [[ -f $__hstrack_cache && -r $__hstrack_cache ]] || return 1
    {
        IFS= read -r header || return 1
        [[ $header == "hstrack-prompt 2" ]] || return 1
        IFS= read -r header
        IFS=$us read -r tag zone expires || return 1
        [[ $tag == valid && $expires == <-> ]] || return 1
        # The writer kept TZ to the characters a zone is written with; so does this.
        local tz=${TZ-}
        [[ $zone == "${tz//[^[:alnum:]\/_+:.,<>-]/}" ]] || return 1
        (( expires == 0 || $2 < expires )) || return 1
        typeset -g __hstrack_expires=$expires
        while IFS=$us read -r from to target label phase ms window text; do
            [[ $from == <-> && $to == <-> && ( $target == <-> || $target == - ) ]] || return 1
            if (( from <= $1 && $1 <= to )); then
                typeset -g __hstrack_target=$target __hstrack_label=$label __hstrack_phase=$phase
                typeset -g __hstrack_ms=$ms __hstrack_window=$window __hstrack_text=$text
                return 0
            fi
        done
    } < $__hstrack_cache
    return 1
}

__hstrack_render() {
    emulate -L zsh
    if [[ -n ${HSTRACK_PROMPT_DISABLE-} || ! -e $__hstrack_store ]] \
        || [[ -e $__hstrack_cache && ! -f $__hstrack_cache ]]; then
        # Off, no store, or something other than a file where the cache goes (a FIFO would
        # block a read): nothing shown, nothing read, no process.
        typeset -g HSTRACK_PROMPT= HSTRACK_PROMPT_ZSH= __hstrack_key=
        return 0
    fi
    if [[ ! -e $__hstrack_cache || -L $__hstrack_cache || $__hstrack_store -nt $__hstrack_cache \
        || $__hstrack_cache -nt $__hstrack_store ]]; then
        __hstrack_refresh || { typeset -g HSTRACK_PROMPT= HSTRACK_PROMPT_ZSH= __hstrack_key=; return 0 }
    else
        __hstrack_tried=
    fi
    local now content key bang=0 epoch=$EPOCHSECONDS
    [[ -o prompt_bang ]] && bang=1
    strftime -s now '%Y%m%d' $epoch
    # Past the moment something dated to the minute happens, or the zone changed: recompute.
    if (( ${__hstrack_expires:-0} && epoch >= __hstrack_expires )) || [[ ${TZ-} != "${__hstrack_zone-}" ]]; then
        typeset -g __hstrack_key= __hstrack_zone=${TZ-}
    fi
    # $(<file) is read by zsh itself, without a fork, and is ten times faster than
    # `read`, which zsh does a byte at a time.
    content=$(<$__hstrack_cache)
    # Same day, same cache, same settings as last prompt: the same text (almost always).
    key="$now/$bang/${HSTRACK_PROMPT_FORMAT-}/${HSTRACK_PROMPT_WIDTH-}/$content"
    if [[ $key != "${__hstrack_key-}" ]]; then
        if __hstrack_compute $now $epoch; then typeset -g __hstrack_key=$key; else typeset -g __hstrack_key=; fi
    fi
    return 0
}

__hstrack_compute() {
    emulate -L zsh
    typeset -g HSTRACK_PROMPT= HSTRACK_PROMPT_ZSH=
    local y m d era yoe doy doe dn days out w
    y=$((10#${1[1,4]})) m=$((10#${1[5,6]})) d=$((10#${1[7,8]}))
    (( y -= m <= 2, era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400,
       doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1,
       doe = yoe * 365 + yoe / 4 - yoe / 100 + doy, dn = era * 146097 + doe - 719468 )) || :
    if ! __hstrack_find $dn $2; then
        { __hstrack_refresh && __hstrack_find $dn $2 } || return 1
    fi
    [[ -z $__hstrack_label && -z $__hstrack_text ]] && return 0
    days=
    if [[ $__hstrack_target != - ]]; then
        days=$(( __hstrack_target - dn ))
        if (( days == 0 )); then __hstrack_text=today; else __hstrack_text=${days}d; fi
    fi
    out=${HSTRACK_PROMPT_FORMAT:-'{label} · {text}'}
    out=${out//\{label\}/$__hstrack_label}
    out=${out//\{phase\}/$__hstrack_phase}
    out=${out//\{milestone\}/$__hstrack_ms}
    out=${out//\{days\}/$days}
    out=${out//\{window\}/$__hstrack_window}
    out=${out//\{text\}/$__hstrack_text}
    w=${HSTRACK_PROMPT_WIDTH:-40}
    [[ $w == <-> && ${#w} -le 5 ]] && (( 10#$w >= 1 )) || w=40
    (( ${#out} > w )) && out="${out[1,w-1]}…"
    HSTRACK_PROMPT=$out
    HSTRACK_PROMPT_ZSH="${out//\%/%%} "
    # With prompt_bang, zsh reads "!" in a prompt as the history number: "!!" is a "!".
    [[ -o prompt_bang ]] && HSTRACK_PROMPT_ZSH=${HSTRACK_PROMPT_ZSH//\!/!!}
    return 0
}

__hstrack_place() {
    # $1: PROMPT or RPROMPT; $2: the variable remembering the literal text we put there
    # last time; $3: whether the segment belongs in this prompt. Whatever we inserted
    # before, as text or as a reference, comes out first, so switching prompt_subst or
    # the position never leaves a copy behind.
    local name=$1 memo=$2 wanted=$3 current=${(P)1} previous=${(P)2} ref='${HSTRACK_PROMPT_ZSH}'
    [[ -n $previous && $current == "$previous"* ]] && current=${current#"$previous"}
    [[ $current == "$ref"* ]] && current=${current#"$ref"}
    if [[ $wanted != yes ]]; then
        typeset -g $name="$current" $memo=
    elif [[ -o prompt_subst ]]; then
        # A reference: zsh substitutes the value once and never expands it again.
        typeset -g $name="$ref$current" $memo=
    else
        # The text itself, with % doubled; without prompt_subst nothing else is expanded.
        typeset -g $name="$HSTRACK_PROMPT_ZSH$current" $memo="$HSTRACK_PROMPT_ZSH"
    fi
}

__hstrack_precmd() {
    __hstrack_render
    local position=${HSTRACK_PROMPT_POSITION:-left}
    __hstrack_place PROMPT __hstrack_inserted ${${position:#left}:-yes}
    __hstrack_place RPROMPT __hstrack_rinserted ${${position:#right}:-yes}
    # Stay last, so a theme's precmd that rebuilds the prompt runs before us.
    precmd_functions=(${precmd_functions:#__hstrack_precmd} __hstrack_precmd)
}

autoload -Uz add-zsh-hook
add-zsh-hook precmd __hstrack_precmd
