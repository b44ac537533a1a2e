import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Routes } from '../../shared/router';
import { route } from '../../shared/router';
import type { AlovoiceMap } from '../node.type';
import * as callAnalysis from './callAnalysis';

export const routes: Routes<AlovoiceMap> = { callAnalysis: callAnalysis.operations };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route.call(this, routes);
}
