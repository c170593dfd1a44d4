/* cmd/families.h -- each command family's registration. main.c calls
 * cmd_register_all once, before command_init. */
#ifndef KILAT_FAMILIES_H
#define KILAT_FAMILIES_H

void cmd_register_all(void);

#endif
