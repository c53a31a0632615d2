# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# The client side of the netifd stand-in's bus (sourced by ubus and
# nfctl): bus_request KIND ARG... writes the request (KIND, then one
# argument a line) to a file, names it on $MAPE_OWRT_STATE/bus, and
# prints the reply's output; returns its status.

bus_request()
{
	local req rc

	req=$(mktemp "${MAPE_OWRT_STATE:?}/req.XXXXXX") || return 1
	printf '%s\n' "$@" >"$req"
	mkfifo "$req.reply" || return 1
	# One short line: written at once, however many clients there are.
	echo "$req" >"$MAPE_OWRT_STATE/bus"
	{
		read -r rc
		cat
	} <"$req.reply"
	rm -f "$req.reply"
	return "${rc:-1}"
}
