// Drives Backstage's own catalog client against a running Callboard catalog API and
// prints what each call returned as one JSON object.
//
// Usage: node run_client.js <base-url> [token]
//   <base-url>  the server root, e.g. http://127.0.0.1:7007 (the client is given
//               <base-url>/api/catalog through its discovery API)
//   [token]     a bearer token to send with every call

'use strict';

const { CatalogClient, CATALOG_FILTER_EXISTS } = require('@backstage/catalog-client');

const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl) {
  console.error('usage: node run_client.js <base-url> [token]');
  process.exit(2);
}

const client = new CatalogClient({
  discoveryApi: { getBaseUrl: async () => `${baseUrl}/api/catalog` },
  fetchApi: { fetch: (input, init) => fetch(input, init) },
});
const options = token ? { token } : undefined;

function describeError(error) {
  return {
    name: error.name,
    statusCode: error.statusCode,
    bodyErrorName: error.body && error.body.error ? error.body.error.name : undefined,
  };
}

async function pageThrough(first, next) {
  const pages = [];
  let response = await first();
  pages.push(response);
  while (response.pageInfo.nextCursor) {
    response = await next(response.pageInfo.nextCursor);
    pages.push(response);
  }
  return {
    names: pages.flatMap(page => page.items.map(item => item.metadata.name)),
    pageSizes: pages.map(page => page.items.length),
    totalItems: pages.map(page => page.totalItems),
  };
}

async function main() {
  const out = {};

  out.getEntities = (
    await client.getEntities(
      {
        filter: { kind: 'Component', 'spec.owner': 'team-a' },
        fields: ['kind', 'metadata.name'],
        order: { field: 'metadata.name', order: 'desc' },
      },
      options,
    )
  ).items;
  out.getEntitiesAnyOf = (
    await client.getEntities(
      { filter: [{ kind: 'group' }, { kind: 'user' }], fields: ['metadata.name'] },
      options,
    )
  ).items.map(e => e.metadata.name);
  out.getEntitiesExists = (
    await client.getEntities(
      { filter: { kind: 'component', 'spec.system': CATALOG_FILTER_EXISTS }, fields: ['metadata.name'] },
      options,
    )
  ).items.map(e => e.metadata.name);
  out.getEntitiesPaged = (
    await client.getEntities({ fields: ['metadata.name'], limit: 3, offset: 2 }, options)
  ).items.length;

  out.getEntitiesByRefs = (
    await client.getEntitiesByRefs(
      {
        entityRefs: ['component:default/artist-web', 'component:default/missing', 'group:default/team-a'],
        fields: ['kind', 'metadata.name'],
      },
      options,
    )
  ).items;
  out.getEntitiesByRefsFiltered = (
    await client.getEntitiesByRefs(
      {
        entityRefs: ['component:default/artist-web', 'group:default/team-a'],
        filter: { kind: 'group' },
        fields: ['metadata.name'],
      },
      options,
    )
  ).items;

  out.queryEntities = await pageThrough(
    () =>
      client.queryEntities(
        {
          filter: { kind: 'component' },
          orderFields: { field: 'metadata.name', order: 'asc' },
          fields: ['metadata.name'],
          limit: 2,
        },
        options,
      ),
    cursor => client.queryEntities({ cursor, limit: 2 }, options),
  );
  out.queryEntitiesByPredicate = await pageThrough(
    () =>
      client.queryEntities(
        {
          query: { $any: [{ kind: 'group' }, { kind: 'user' }] },
          orderFields: { field: 'metadata.name', order: 'desc' },
          limit: 1,
        },
        options,
      ),
    cursor => client.queryEntities({ cursor, limit: 1 }, options),
  );
  out.queryEntitiesFullText = (
    await client.queryEntities(
      { fullTextFilter: { term: 'BACK', fields: ['metadata.name'] }, fields: ['metadata.name'] },
      options,
    )
  ).items.map(e => e.metadata.name);
  const streamed = [];
  for await (const page of client.streamEntities({ filter: { kind: 'component' }, pageSize: 3 }, options)) {
    streamed.push(...page.map(e => e.metadata.name));
  }
  out.streamEntities = streamed.sort();

  const entity = await client.getEntityByRef('component:default/artist-web', options);
  out.getEntityByRef = {
    name: entity.metadata.name,
    uid: entity.metadata.uid,
    relations: entity.relations,
  };
  out.getEntityByRefMissing = (await client.getEntityByRef('component:default/nope', options)) ?? null;
  out.getEntityAncestors = await client.getEntityAncestors(
    { entityRef: 'component:default/artist-web' },
    options,
  );
  out.getEntityAncestors.items = out.getEntityAncestors.items.map(item => ({
    name: item.entity.metadata.name,
    parentEntityRefs: item.parentEntityRefs,
  }));

  out.getEntityFacets = await client.getEntityFacets(
    { facets: ['kind', 'spec.type'], filter: { kind: 'component' } },
    options,
  );
  out.getEntityFacetsByPredicate = await client.getEntityFacets(
    { facets: ['kind'], query: { kind: { $in: ['group', 'user'] } } },
    options,
  );

  const added = await client.addLocation({ target: 'https://example.com/catalog-info.yaml' }, options);
  out.addLocation = added;
  out.addLocationDryRun = await client.addLocation(
    { target: 'https://example.com/catalog-info.yaml', dryRun: true },
    options,
  );
  try {
    await client.addLocation({ target: 'https://example.com/catalog-info.yaml' }, options);
    out.addLocationAgain = 'accepted';
  } catch (error) {
    out.addLocationAgain = describeError(error);
  }
  out.getLocations = await client.getLocations({}, options);
  out.getLocationById = await client.getLocationById(added.location.id, options);
  out.getLocationByRef = await client.getLocationByRef(
    'url:https://example.com/catalog-info.yaml',
    options,
  );
  out.queryLocations = await client.queryLocations({ query: { type: 'url' } }, options);
  out.getLocationByEntity = await client.getLocationByEntity('component:default/artist-web', options);
  await client.removeLocationById(added.location.id, options);
  out.getLocationByIdAfterRemove = (await client.getLocationById(added.location.id, options)) ?? null;

  const valid = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checked' },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
  out.validateEntityValid = await client.validateEntity(valid, 'url:https://example.com/x.yaml', options);
  out.validateEntityInvalid = await client.validateEntity(
    { ...valid, spec: { type: 'service' } },
    'url:https://example.com/x.yaml',
    options,
  );

  await client.refreshEntity('component:default/artist-web', options);
  out.refreshEntity = 'ok';
  try {
    await client.refreshEntity('component:default/nope', options);
    out.refreshEntityMissing = 'accepted';
  } catch (error) {
    out.refreshEntityMissing = describeError(error);
  }
  await client.removeEntityByUid(entity.metadata.uid, options);
  out.removeEntityByUid = 'ok';

  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
