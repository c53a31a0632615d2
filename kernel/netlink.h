/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MAPE_NETLINK_H
#define _MAPE_NETLINK_H

int mape_genl_init(void);
void mape_genl_uninit(void);

#endif /* _MAPE_NETLINK_H */
